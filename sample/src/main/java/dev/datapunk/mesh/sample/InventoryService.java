package dev.datapunk.mesh.sample;

import dev.datapunk.mesh.annotations.MeshExceptionHandler;
import dev.datapunk.mesh.annotations.MeshService;
import dev.datapunk.mesh.annotations.Public;
import dev.datapunk.mesh.annotations.RateLimit;
import dev.datapunk.mesh.annotations.Secured;
import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import dev.datapunk.mesh.sample.inventory.v1.GetItemRequest;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.Item;
import dev.datapunk.mesh.sample.inventory.v1.ListItemsRequest;
import dev.datapunk.mesh.sample.inventory.v1.PingReply;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import dev.datapunk.mesh.sample.inventory.v1.PutItemRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The sample inventory service: reads need {@code inventory:read}, writes {@code inventory:write}
 * and are limited to 5 calls per second per client; {@code Ping} is open to every caller the
 * transport admits.
 *
 * <p>Failures are exceptions: an unknown SKU ({@link ItemNotFoundException}) is mapped to {@code
 * NOT_FOUND} by this service's handler, a refused field ({@link InvalidRequestException}) to {@code
 * INVALID_ARGUMENT} by the global handler in {@link RequestErrors}.
 */
@MeshService
@Secured(scopes = "inventory:read")
@RateLimit(rps = 50, burst = 100)
public class InventoryService extends InventoryServiceGrpc.InventoryServiceImplBase {

  /** Longest accepted SKU, in characters. */
  static final int MAX_SKU_LENGTH = 64;

  private final InventoryStore store;

  /**
   * A service over {@code store}; the generated bootstrap creates it with {@link
   * Inventory#inventoryService()}.
   */
  public InventoryService(InventoryStore store) {
    this.store = store;
  }

  @Override
  @Public
  public void ping(PingRequest request, StreamObserver<PingReply> responseObserver) {
    String caller =
        MeshPrincipal.current().map(principal -> principal.verifiedName()).orElse("anonymous");
    responseObserver.onNext(
        PingReply.newBuilder().setMessage(request.getMessage()).setCaller(caller).build());
    responseObserver.onCompleted();
  }

  @Override
  public void getItem(GetItemRequest request, StreamObserver<Item> responseObserver) {
    checkSku("sku", request.getSku());
    responseObserver.onNext(store.get(request.getSku()));
    responseObserver.onCompleted();
  }

  @Override
  public void listItems(ListItemsRequest request, StreamObserver<Item> responseObserver) {
    if (request.getLimit() < 0) {
      throw new InvalidRequestException("limit", "limit must be >= 0");
    }
    ServerCallStreamObserver<Item> stream = (ServerCallStreamObserver<Item>) responseObserver;
    for (Item item : store.list(request.getSkuPrefix(), request.getLimit())) {
      if (stream.isCancelled()) {
        return;
      }
      stream.onNext(item);
    }
    stream.onCompleted();
  }

  @Override
  @Secured(scopes = "inventory:write")
  @RateLimit(rps = 5, burst = 5)
  public void putItem(PutItemRequest request, StreamObserver<Item> responseObserver) {
    Item item = request.getItem();
    checkSku("item.sku", item.getSku());
    if (item.getQuantity() < 0) {
      throw new InvalidRequestException("item.quantity", "quantity must be >= 0");
    }
    responseObserver.onNext(store.put(item));
    responseObserver.onCompleted();
  }

  /** An unknown SKU: {@code NOT_FOUND}, naming it. */
  @MeshExceptionHandler
  Status itemNotFound(ItemNotFoundException e) {
    return Status.NOT_FOUND.withDescription(e.getMessage());
  }

  private static void checkSku(String field, String sku) {
    if (sku.isEmpty() || sku.length() > MAX_SKU_LENGTH) {
      throw new InvalidRequestException(
          field, "sku must be 1 to " + MAX_SKU_LENGTH + " characters");
    }
  }
}
