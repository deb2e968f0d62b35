package dev.datapunk.mesh.sample.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.PingReply;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload on the real server: far more concurrent calls than worker threads. Nothing deadlocks,
 * health stays answerable while the calls queue (it runs on its own small pool, not behind the
 * queue of the worker pool), and once the load stops nothing is left behind: no call in flight, no
 * task queued or running on the worker pool, and good calls are served.
 *
 * <p>The service is the test-only {@link SlowInventoryService}: its {@code Ping} sleeps as many
 * milliseconds as the message says, holding a worker thread.
 */
class OverloadTest {

  private static final int WORKERS = 4;
  private static final int CALLS = 2_000;
  private static final int CALL_MILLIS = 20;

  @Test
  void healthAnswersDuringOverloadEveryCallCompletesAndNothingIsLeftBehind(@TempDir Path dir)
      throws Exception {
    try (RunningServer server =
        RunningServer.start(
            dir,
            MeshMain.module(),
            "--tls.mode=plaintext",
            "--server.worker-threads=" + WORKERS,
            "--metrics.port=" + RunningServer.freePort())) {
      ManagedChannel channel = server.channel(InsecureChannelCredentials.create());
      var blocking = InventoryServiceGrpc.newBlockingStub(channel);
      long before = medianGoodCallNanos(blocking);

      // 2,000 calls of 20 ms on 4 worker threads: about 10 s of queued work.
      CountDownLatch finished = new CountDownLatch(CALLS);
      AtomicInteger ok = new AtomicInteger();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      var async = InventoryServiceGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
      for (int i = 0; i < CALLS; i++) {
        async.ping(
            PingRequest.newBuilder().setMessage(Integer.toString(CALL_MILLIS)).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(PingReply reply) {
                ok.incrementAndGet();
              }

              @Override
              public void onError(Throwable t) {
                failures.add(t);
                finished.countDown();
              }

              @Override
              public void onCompleted() {
                finished.countDown();
              }
            });
      }

      // Health while the calls queue: each check is answered while calls are still unfinished. The
      // calls were all sent before it, so behind the queue a check would only be answered once no
      // more than the calls on the worker threads were left.
      var health = HealthGrpc.newBlockingStub(channel);
      List<Long> checkMillis = new ArrayList<>();
      long mostWaiting = 0;
      long fewestLeftAtAnswer = Long.MAX_VALUE;
      int checks = 0;
      while (finished.getCount() > CALLS / 4 && checks < 50) {
        long waiting = finished.getCount();
        long started = System.nanoTime();
        ServingStatus status =
            health
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
        fewestLeftAtAnswer = Math.min(fewestLeftAtAnswer, finished.getCount());
        checkMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(status).isEqualTo(ServingStatus.SERVING);
        mostWaiting = Math.max(mostWaiting, waiting);
        checks++;
        Thread.sleep(100);
      }
      Collections.sort(checkMillis);
      System.out.printf(
          "overload: %d health checks while up to %d of %d calls were unfinished (at least %d still"
              + " unfinished at each answer), check took %s ms (sorted)%n",
          checks, mostWaiting, CALLS, fewestLeftAtAnswer, checkMillis);
      assertThat(checks).as("health checks made while the calls queued").isGreaterThanOrEqualTo(5);
      assertThat(mostWaiting).as("calls unfinished during the checks").isGreaterThan(CALLS / 2);
      assertThat(fewestLeftAtAnswer)
          .as("calls still unfinished when a health check was answered")
          .isGreaterThan(WORKERS);

      assertThat(finished.await(120, TimeUnit.SECONDS))
          .as("every call ended (no deadlock)")
          .isTrue();
      assertThat(failures).isEmpty();
      assertThat(ok.get()).isEqualTo(CALLS);

      // Nothing left behind: no call in flight, no task queued or running on the worker pool ...
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(server.server().activeCalls()).isZero();
                String scrape = server.scrape();
                assertThat(scrape)
                    .contains("executor_queued_tasks{name=\"mesh-worker\"} 0.0")
                    .contains("executor_active_threads{name=\"mesh-worker\"} 0.0");
              });
      // ... and good calls are served as before (figures for the record).
      long after = medianGoodCallNanos(blocking);
      System.out.printf(
          "good call (%d ms of work): median %.1f ms before the overload, %.1f ms after%n",
          CALL_MILLIS, before / 1e6, after / 1e6);
    }
  }

  private static long medianGoodCallNanos(InventoryServiceGrpc.InventoryServiceBlockingStub stub) {
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      long started = System.nanoTime();
      stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .ping(PingRequest.newBuilder().setMessage(Integer.toString(CALL_MILLIS)).build());
      nanos.add(System.nanoTime() - started);
    }
    Collections.sort(nanos);
    return nanos.get(nanos.size() / 2);
  }
}
