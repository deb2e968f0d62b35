package dev.datapunk.mesh.runtime.reliability;

import dev.datapunk.mesh.runtime.LoopbackPorts;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A mesh server started from a command line exactly as the generated bootstrap starts it (on
 * 127.0.0.1, gRPC on port 0, Prometheus metrics on a free port), with one service whose {@code
 * UnaryRpc} answers "ok" under the given policy.
 */
final class FaultServer {

  private FaultServer() {}

  static MeshServer start(Path workingDir, MethodPolicy unary, String... extraArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--metrics.port=" + LoopbackPorts.free(),
                "--server.shutdown-grace=1s",
                "--dev.dir=" + workingDir.resolve("dev")));
    args.addAll(List.of(extraArgs));
    return MeshApplication.start(
        args.toArray(String[]::new), List.of(binding(unary)), Map.of(), workingDir);
  }

  static MeshBinding binding(MethodPolicy unary) {
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            responses.onNext(SimpleResponse.newBuilder().setResponseMessage("ok").build());
            responses.onCompleted();
          }
        };
    return MeshBinding.of(
        service.bindService(),
        List.of(
            unary,
            MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod())
                .publicAccess()
                .build(),
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod())
                .publicAccess()
                .build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod())
                .publicAccess()
                .build()));
  }
}
