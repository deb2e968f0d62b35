package dev.datapunk.mesh.sample.e2e;

import dev.datapunk.mesh.annotations.MeshService;
import dev.datapunk.mesh.annotations.Public;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.PingReply;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import io.grpc.stub.StreamObserver;

/**
 * A test-only mesh service, compiled by the real processor in this module's test compilation: its
 * {@code Ping} takes as many milliseconds as the message says, so shutdown tests have calls in
 * flight.
 */
@MeshService
public class SlowInventoryService extends InventoryServiceGrpc.InventoryServiceImplBase {

  @Override
  @Public
  public void ping(PingRequest request, StreamObserver<PingReply> responseObserver) {
    try {
      Thread.sleep(Long.parseLong(request.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    responseObserver.onNext(
        PingReply.newBuilder().setMessage("slept " + request.getMessage()).build());
    responseObserver.onCompleted();
  }
}
