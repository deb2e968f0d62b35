package dev.datapunk.mesh.runtime.metrics;

import static dev.datapunk.mesh.runtime.metrics.MeteredServer.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutdown as a load balancer and a scraper see it: Watch turns SERVING -> NOT_SERVING first;
 * during {@code server.shutdown-delay} Check answers NOT_SERVING and calls are still served; then
 * the port closes while the call in flight drains, and the metrics endpoint keeps answering
 * throughout.
 */
class ShutdownObservabilityTest {

  @Test
  void healthTurnsNotServingFirstAndMetricsAnswerWhileDraining(@TempDir Path dir) throws Exception {
    try (MeteredServer server =
        MeteredServer.start(dir, "--server.shutdown-delay=3s", "--server.shutdown-grace=20s")) {
      List<ServingStatus> watched = new CopyOnWriteArrayList<>();
      HealthGrpc.newStub(server.channel())
          .watch(
              HealthCheckRequest.newBuilder().setService(MeteredServer.SERVICE).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(HealthCheckResponse value) {
                  watched.add(value.getStatus());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> watched.contains(ServingStatus.SERVING));
      assertThat(check(server, "")).isEqualTo(ServingStatus.SERVING);

      // A client-streaming call the test holds open until it has seen the drain: in flight for as
      // long as that takes, however slow the machine.
      CompletableFuture<SimpleResponse> inFlight = new CompletableFuture<>();
      StreamObserver<SimpleRequest> requests = openClientStream(server, inFlight);
      requests.onNext(request(""));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.server().activeCalls() == 1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(server.server()::close);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> watched.contains(ServingStatus.NOT_SERVING));
      assertThat(watched).containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING);

      // The delay: Check is answered (NOT_SERVING) and a new call is still served.
      assertThat(check(server, "")).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(check(server, MeteredServer.SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(
              server
                  .blocking()
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .unaryRpc(request("late"))
                  .getResponseMessage())
          .isEqualTo("late");

      // The drain: new calls refused, the call in flight still running, the endpoint still
      // answering.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> refused(server));
      assertThat(inFlight).isNotDone();
      assertThat(closing).isNotDone();
      assertThat(server.scrape().lines()).contains("mesh_server_calls_active_calls 1.0");

      requests.onCompleted();
      assertThat(inFlight.get(20, TimeUnit.SECONDS).getResponseMessage()).isEqualTo("1 messages");
      closing.get(20, TimeUnit.SECONDS);
    }
  }

  /** Starts ClientStreamingRpc; its one reply (or its failure) completes {@code reply}. */
  private static StreamObserver<SimpleRequest> openClientStream(
      MeteredServer server, CompletableFuture<SimpleResponse> reply) {
    return ClientCalls.asyncClientStreamingCall(
        server
            .channel()
            .newCall(
                SimpleServiceGrpc.getClientStreamingRpcMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
        new StreamObserver<>() {
          @Override
          public void onNext(SimpleResponse value) {
            reply.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            reply.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
  }

  private static ServingStatus check(MeteredServer server, String service) {
    return HealthGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  /** True once the server no longer takes calls (its port is closed). */
  private static boolean refused(MeteredServer server) {
    try {
      check(server, "");
      return false;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
    }
  }
}
