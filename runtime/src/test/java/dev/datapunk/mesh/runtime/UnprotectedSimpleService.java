package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.util.List;

/**
 * grpc-testing's SimpleService with no method implemented and no mesh stage on any method: for
 * tests of the server around it.
 */
public final class UnprotectedSimpleService {

  private UnprotectedSimpleService() {}

  /** The binding: UNIMPLEMENTED service code, an empty policy on each of its four methods. */
  public static MeshBinding binding() {
    return MeshBinding.of(
        new SimpleServiceGrpc.SimpleServiceImplBase() {}.bindService(),
        List.of(
            MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build()));
  }
}
