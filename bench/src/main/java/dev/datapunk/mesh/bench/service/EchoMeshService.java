package dev.datapunk.mesh.bench.service;

import dev.datapunk.mesh.annotations.MeshService;
import dev.datapunk.mesh.annotations.RateLimit;
import dev.datapunk.mesh.annotations.Secured;
import dev.datapunk.mesh.bench.v1.EchoReply;
import dev.datapunk.mesh.bench.v1.EchoRequest;
import dev.datapunk.mesh.bench.v1.EchoServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The service every benchmark serves: echoes the request's payload.
 *
 * <p>The bare grpc-java server runs this class's plain {@link #bindService()}; the mesh server runs
 * the generated {@code EchoMeshService_MeshBinding} around the same class, so both execute exactly
 * the same service code. Every mesh stage is on: a bearer token with scope {@value #SCOPE} is
 * required, and the rate limit is the highest the processor accepts, far above what one client can
 * send on this machine, so it never rejects.
 */
@MeshService
@Secured(scopes = EchoMeshService.SCOPE)
@RateLimit(rps = 1_000_000, burst = 1_000_000)
public class EchoMeshService extends EchoServiceGrpc.EchoServiceImplBase {

  /** The scope a token needs to call {@code Echo}. */
  public static final String SCOPE = "bench:echo";

  /** Creates the service; it keeps no state. */
  public EchoMeshService() {
    // stateless
  }

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoReply> responseObserver) {
    responseObserver.onNext(EchoReply.newBuilder().setPayload(request.getPayload()).build());
    responseObserver.onCompleted();
  }
}
