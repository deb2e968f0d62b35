package dev.datapunk.mesh.sample;

import dev.datapunk.mesh.annotations.MeshService;
import dev.datapunk.mesh.annotations.Public;
import dev.datapunk.mesh.annotations.RateLimit;
import dev.datapunk.mesh.annotations.Secured;
import dev.datapunk.mesh.runtime.client.MeshChannels;
import dev.datapunk.mesh.sample.inventory.v1.GetItemRequest;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.Item;
import dev.datapunk.mesh.sample.inventory.v1.PingReply;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import dev.datapunk.mesh.sample.orders.v1.Order;
import dev.datapunk.mesh.sample.orders.v1.OrderServiceGrpc;
import dev.datapunk.mesh.sample.orders.v1.PingInventoryReply;
import dev.datapunk.mesh.sample.orders.v1.PingInventoryRequest;
import dev.datapunk.mesh.sample.orders.v1.PlaceOrderRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.UUID;

/**
 * The sample order service: a mesh service that calls another one. Each order reads its item from
 * {@code InventoryService} through the mesh client {@value #INVENTORY}, which the configuration
 * points at an inventory server ({@code client.inventory.target}); with {@code
 * client.inventory.token: forward} the caller's own token goes on, so the inventory decides with
 * the caller's rights, and the inventory's deadline is what is left of the caller's.
 */
@MeshService
@Secured(scopes = "orders:write")
@RateLimit(rps = 20, burst = 40)
public class OrderService extends OrderServiceGrpc.OrderServiceImplBase {

  /** The name of the mesh client this service calls the inventory with. */
  public static final String INVENTORY = "inventory";

  private final MeshChannels channels;

  /** Calls the inventory through the server's channels, {@link MeshChannels#current()}. */
  public OrderService() {
    this.channels = null;
  }

  /** Calls the inventory through {@code channels}, for servers built by hand. */
  public OrderService(MeshChannels channels) {
    this.channels = Objects.requireNonNull(channels, "channels");
  }

  @Override
  public void placeOrder(PlaceOrderRequest request, StreamObserver<Order> responseObserver) {
    if (request.getQuantity() <= 0) {
      responseObserver.onError(
          Status.INVALID_ARGUMENT.withDescription("quantity must be > 0").asRuntimeException());
      return;
    }
    Channel inventory = inventory(responseObserver);
    if (inventory == null) {
      return;
    }
    Item item;
    try {
      item =
          InventoryServiceGrpc.newBlockingStub(inventory)
              .getItem(GetItemRequest.newBuilder().setSku(request.getSku()).build());
    } catch (StatusRuntimeException e) {
      responseObserver.onError(fromInventory(e));
      return;
    }
    if (item.getQuantity() < request.getQuantity()) {
      responseObserver.onError(
          Status.FAILED_PRECONDITION
              .withDescription("only " + item.getQuantity() + " of " + item.getSku() + " in stock")
              .asRuntimeException());
      return;
    }
    responseObserver.onNext(
        Order.newBuilder()
            .setOrderId(UUID.randomUUID().toString())
            .setItem(item)
            .setQuantity(request.getQuantity())
            .build());
    responseObserver.onCompleted();
  }

  @Override
  @Public
  public void pingInventory(
      PingInventoryRequest request, StreamObserver<PingInventoryReply> responseObserver) {
    Channel inventory = inventory(responseObserver);
    if (inventory == null) {
      return;
    }
    PingReply reply;
    try {
      reply =
          InventoryServiceGrpc.newBlockingStub(inventory)
              .ping(PingRequest.newBuilder().setMessage(request.getMessage()).build());
    } catch (StatusRuntimeException e) {
      responseObserver.onError(fromInventory(e));
      return;
    }
    responseObserver.onNext(
        PingInventoryReply.newBuilder()
            .setMessage(reply.getMessage())
            .setInventoryCaller(reply.getCaller())
            .build());
    responseObserver.onCompleted();
  }

  /**
   * The inventory's channel, or {@code null} after ending the call with FAILED_PRECONDITION when no
   * client {@value #INVENTORY} is configured.
   */
  private Channel inventory(StreamObserver<?> responseObserver) {
    try {
      return (channels != null ? channels : MeshChannels.current()).channel(INVENTORY);
    } catch (IllegalStateException | IllegalArgumentException e) {
      responseObserver.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "no mesh client \"" + INVENTORY + "\": set client." + INVENTORY + ".target")
              .asRuntimeException());
      return null;
    }
  }

  /** The inventory's failure as this call's: same code, the inventory's words. */
  private static StatusRuntimeException fromInventory(StatusRuntimeException e) {
    Status status = e.getStatus();
    String description =
        status.getDescription() == null ? status.getCode().name() : status.getDescription();
    return status.withDescription("inventory: " + description).asRuntimeException();
  }
}
