package test.ext;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.errors.HandlerResults;
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
   * {@code test.v1.OrderService/GetOrder}: open; no rate limit.
   */
  static final MethodPolicy GET_ORDER = MethodPolicy.builder(OrderServiceGrpc.getGetOrderMethod()).build();

  /**
   * {@code test.v1.OrderService/WatchOrders}: open; no rate limit.
   */
  static final MethodPolicy WATCH_ORDERS = MethodPolicy.builder(OrderServiceGrpc.getWatchOrdersMethod()).build();

  /**
   * {@code test.v1.OrderService/UploadOrders}: open; no rate limit.
   */
  static final MethodPolicy UPLOAD_ORDERS = MethodPolicy.builder(OrderServiceGrpc.getUploadOrdersMethod()).build();

  /**
   * {@code test.v1.OrderService/SyncOrders}: open; no rate limit.
   */
  static final MethodPolicy SYNC_ORDERS = MethodPolicy.builder(OrderServiceGrpc.getSyncOrdersMethod()).build();

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

  @Override
  public ExceptionHandlers exceptionHandlers() {
    return ExceptionHandlers.builder()
        .on(IllegalArgumentException.class,
            (exception, trailers) -> HandlerResults.of(OrderService.invalid(exception), trailers))
        .on(OrderStore.MissingOrderException.class,
            (exception, trailers) -> HandlerResults.of(service.missing(exception, trailers), trailers))
        .on(RuntimeException.class,
            (exception, trailers) -> HandlerResults.of(service.failed(exception), trailers))
        .build();
  }
}
