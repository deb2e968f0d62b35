package dev.datapunk.mesh.sample.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
 * queue of the worker pool), and once the load stops a good call is as fast as before it.
 *
 * <p>The service is the test-only {@link SlowInventoryService}: its {@code Ping} sleeps as many
 * milliseconds as the message says, holding a worker thread.
 */
class OverloadTest {

  private static final int WORKERS = 4;
  private static final int CALLS = 2_000;
  private static final int CALL_MILLIS = 20;

  @Test
  void healthAnswersDuringOverloadEveryCallCompletesAndLatencyRecovers(@TempDir Path dir) throws Exception {
    try (RunningServer server = RunningServer.start(dir, MeshMain.module(), "--tls.mode=plaintext",
        "--server.worker-threads=" + WORKERS)) {
      ManagedChannel channel = server.channel(InsecureChannelCredentials.create());
      var blocking = InventoryServiceGrpc.newBlockingStub(channel);
      long before = medianGoodCallNanos(blocking);

      // 2,000 calls of 20 ms on 4 worker threads: about 10 s of queued work.
      CountDownLatch finished = new CountDownLatch(CALLS);
      AtomicInteger ok = new AtomicInteger();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      var async = InventoryServiceGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
      for (int i = 0; i < CALLS; i++) {
        async.ping(PingRequest.newBuilder().setMessage(Integer.toString(CALL_MILLIS)).build(), new StreamObserver<>() {
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

      // Health while the calls queue: each check within a bound, with most calls still waiting.
      var health = HealthGrpc.newBlockingStub(channel);
      List<Long> checkMillis = new ArrayList<>();
      long mostWaiting = 0;
      int checks = 0;
      while (finished.getCount() > CALLS / 4 && checks < 50) {
        long waiting = finished.getCount();
        long started = System.nanoTime();
        ServingStatus status = health.withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        checkMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(status).isEqualTo(ServingStatus.SERVING);
        mostWaiting = Math.max(mostWaiting, waiting);
        checks++;
        Thread.sleep(100);
      }
      Collections.sort(checkMillis);
      System.out.printf("overload: %d health checks while up to %d of %d calls were unfinished, check took %s ms"
          + " (sorted)%n", checks, mostWaiting, CALLS, checkMillis);
      assertThat(checks).as("health checks made while the calls queued").isGreaterThanOrEqualTo(5);
      assertThat(mostWaiting).as("calls unfinished during the checks").isGreaterThan(CALLS / 2);
      // Behind the queue a check would wait for most of the ~10 s of queued work.
      assertThat(checkMillis.get(checkMillis.size() - 1)).as("slowest health check, ms").isLessThan(2_000);

      assertThat(finished.await(120, TimeUnit.SECONDS)).as("every call ended (no deadlock)").isTrue();
      assertThat(failures).isEmpty();
      assertThat(ok.get()).isEqualTo(CALLS);

      long after = medianGoodCallNanos(blocking);
      System.out.printf("good call (%d ms of work): median %.1f ms before the overload, %.1f ms after%n",
          CALL_MILLIS, before / 1e6, after / 1e6);
      assertThat(after).as("median good call after the overload, ns").isLessThan(3 * before + 50_000_000L);
    }
  }

  private static long medianGoodCallNanos(InventoryServiceGrpc.InventoryServiceBlockingStub stub) {
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      long started = System.nanoTime();
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).ping(PingRequest.newBuilder().setMessage(Integer.toString(CALL_MILLIS)).build());
      nanos.add(System.nanoTime() - started);
    }
    Collections.sort(nanos);
    return nanos.get(nanos.size() / 2);
  }
}
