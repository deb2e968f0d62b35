package dev.datapunk.mesh.sample.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.PingReply;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutdown turns health NOT_SERVING first, refuses new calls, and lets calls in flight finish; with
 * the test-only {@link SlowInventoryService} bound through its generated binding.
 */
class GracefulShutdownTest {

  @Test
  void callsInFlightFinishWhileHealthTurnsNotServing(@TempDir Path dir) throws Exception {
    // A grace far longer than the call and than the wait for the close below: a close that waited
    // for the whole grace instead of for the call would not end in time.
    try (RunningServer server =
        RunningServer.start(dir, MeshMain.module(), "--server.shutdown-grace=120s")) {
      ManagedChannel channel = server.mtlsChannel();
      List<ServingStatus> watched = new CopyOnWriteArrayList<>();
      HealthGrpc.newStub(channel)
          .watch(
              HealthCheckRequest.getDefaultInstance(),
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

      CompletableFuture<PingReply> inFlight =
          CompletableFuture.supplyAsync(
              () ->
                  InventoryServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(20, TimeUnit.SECONDS)
                      .ping(PingRequest.newBuilder().setMessage("1500").build()));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.server().activeCalls() == 1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::stopServer);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> watched.contains(ServingStatus.NOT_SERVING));
      assertThat(inFlight.isDone())
          .as("health turned NOT_SERVING before the call in flight ended")
          .isFalse();

      PingReply reply = inFlight.get(20, TimeUnit.SECONDS);
      assertThat(reply.getMessage()).isEqualTo("slept 1500");
      // Drained as soon as the call ended, not after the whole grace.
      closing.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void newCallsAreRefusedOnceShutdownBegan(@TempDir Path dir) throws Exception {
    try (RunningServer server =
        RunningServer.start(dir, MeshMain.module(), "--server.shutdown-grace=10s")) {
      ManagedChannel channel = server.mtlsChannel();
      var stub = InventoryServiceGrpc.newBlockingStub(channel);
      CompletableFuture<PingReply> inFlight =
          CompletableFuture.supplyAsync(
              () ->
                  stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                      .ping(PingRequest.newBuilder().setMessage("1500").build()));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.server().activeCalls() == 1);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::stopServer);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                StatusRuntimeException refused =
                    org.junit.jupiter.api.Assertions.assertThrows(
                        StatusRuntimeException.class,
                        () ->
                            stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                                .ping(PingRequest.newBuilder().setMessage("0").build()));
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              });
      assertThat(inFlight.get(20, TimeUnit.SECONDS).getMessage()).isEqualTo("slept 1500");
      closing.get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCallLongerThanTheGraceIsCancelledAndShutdownEndsInTime(@TempDir Path dir) throws Exception {
    try (RunningServer server =
        RunningServer.start(dir, MeshMain.module(), "--server.shutdown-grace=500ms")) {
      ManagedChannel channel = server.mtlsChannel();
      // A call of 60 s: a close that waited for it instead of the grace would take a minute.
      CompletableFuture<PingReply> inFlight =
          CompletableFuture.supplyAsync(
              () ->
                  InventoryServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(90, TimeUnit.SECONDS)
                      .ping(PingRequest.newBuilder().setMessage("60000").build()));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.server().activeCalls() == 1);
      long started = System.nanoTime();
      server.stopServer();
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("close with a call in flight")
          .isLessThan(Duration.ofSeconds(20));
      StatusRuntimeException ended =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class,
              () -> {
                try {
                  inFlight.get(20, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                  throw e.getCause();
                }
              });
      assertThat(ended.getStatus().getCode()).isIn(Status.Code.CANCELLED, Status.Code.UNAVAILABLE);
    }
  }
}
