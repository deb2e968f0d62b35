package test.app;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Objects;
import javax.annotation.processing.Generated;
import test.orders.v1.OrderServiceGrpc;

/**
 * Mesh binding of {@link OrderService}: the resolved policy of every RPC method of
 * {@code test.v1.OrderService}.
 */
@Generated("dev.datapunk.mesh.processor.MeshProcessor")
public final class OrderService_MeshBinding implements MeshBinding {
  /**
   * {@code test.v1.OrderService/GetOrder}: public; 50 rps, burst 100.
   */
  static final MethodPolicy GET_ORDER = MethodPolicy.builder(OrderServiceGrpc.getGetOrderMethod())
      .publicAccess()
      .rateLimit(50, 100)
      .build();

  /**
   * {@code test.v1.OrderService/WatchOrders}: scopes orders:watch, orders:audit; 0.5 rps, burst 2.
   */
  static final MethodPolicy WATCH_ORDERS = MethodPolicy.builder(OrderServiceGrpc.getWatchOrdersMethod())
      .requireScopes("orders:watch", "orders:audit")
      .rateLimit(0.5, 2)
      .build();

  /**
   * {@code test.v1.OrderService/UploadOrders}: scopes orders:read; 50 rps, burst 100.
   */
  static final MethodPolicy UPLOAD_ORDERS = MethodPolicy.builder(OrderServiceGrpc.getUploadOrdersMethod())
      .requireScopes("orders:read")
      .rateLimit(50, 100)
      .build();

  /**
   * {@code test.v1.OrderService/SyncOrders}: scopes orders:read; 50 rps, burst 100.
   */
  static final MethodPolicy SYNC_ORDERS = MethodPolicy.builder(OrderServiceGrpc.getSyncOrdersMethod())
      .requireScopes("orders:read")
      .rateLimit(50, 100)
      .build();

  private static final List<MethodPolicy> POLICIES = List.of(GET_ORDER, WATCH_ORDERS, UPLOAD_ORDERS,
      SYNC_ORDERS);

  private final OrderService service;

  public OrderService_MeshBinding(OrderService service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  @Override
  public ServerServiceDefinition bindService() {
    return service.bindService();
  }

  @Override
  public List<MethodPolicy> policies() {
    return POLICIES;
  }
}
