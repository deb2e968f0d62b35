package dev.datapunk.mesh.runtime.limits;

import static dev.datapunk.mesh.runtime.limits.OpenLoopLoad.percentileMillis;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.testing.protobuf.SimpleRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A method that takes 10 ms, on a server with 4 worker threads (capacity about 400 calls/s, less on a
 * busy machine), is offered 1,000 calls/s (about 3x its capacity) for 3 s, open loop. With the adaptive limit on, admitted
 * calls keep a latency near the no-load latency and the excess is refused fast with
 * RESOURCE_EXHAUSTED; with it off, every call queues and latency grows until deadlines cut it off.
 * Figures are printed for the record; assertions are ratios with generous margins.
 */
class AdaptiveLimitOverloadTest {

  private static final int OFFERED_PER_SECOND = 1_000;
  private static final Duration LOAD = Duration.ofSeconds(3);
  private static final Duration DEADLINE = Duration.ofSeconds(2);
  /** Latency is judged on calls started after the first moments of each run. */
  private static final long SETTLED_NANOS = Duration.ofMillis(500).toNanos();

  @TempDir
  Path dir;

  @Test
  @Timeout(60)
  void adaptiveLimitKeepsAdmittedLatencyNearNoLoadWhileUnlimitedLatencyGrows() throws Exception {
    double noLoadP50;
    double noLoadP99;
    OpenLoopLoad.Result on;
    int limitAfterLoad;
    try (LimitedServer server = LimitedServer.start(dir, "--limits.adaptive.enabled=true")) {
      List<OpenLoopLoad.Outcome> noLoad = sequential(server.channel(), 250);
      noLoad = noLoad.subList(50, noLoad.size()); // the first calls warm up the JIT and the connection
      noLoadP50 = percentileMillis(noLoad, 0.50);
      noLoadP99 = percentileMillis(noLoad, 0.99);
      // One second of the same overload first, discarded: it warms the JIT (the "off" server below runs
      // in the same, by then warm, JVM) and lets the limit leave its initial value.
      OpenLoopLoad.Result warmUp = OpenLoopLoad.run(server.channel(), WorkService.SLOW, OFFERED_PER_SECOND,
          Duration.ofSeconds(1), DEADLINE);
      System.out.printf(Locale.ROOT, "  (warm-up second, adaptive on: admitted p99 %.1f ms, limit after %d)%n",
          percentileMillis(warmUp.with(Status.Code.OK), 0.99), limitOf(server));
      on = OpenLoopLoad.run(server.channel(), WorkService.SLOW, OFFERED_PER_SECOND, LOAD, DEADLINE);
      limitAfterLoad = limitOf(server);
      assertRejectionCarriesRetryInfo(server);
    }
    OpenLoopLoad.Result off;
    try (LimitedServer server = LimitedServer.start(dir, "--limits.adaptive.enabled=false")) {
      sequential(server.channel(), 50);
      off = OpenLoopLoad.run(server.channel(), WorkService.SLOW, OFFERED_PER_SECOND, LOAD, DEADLINE);
    }

    List<OpenLoopLoad.Outcome> onAdmitted = on.with(Status.Code.OK);
    List<OpenLoopLoad.Outcome> onSettled = on.matching(o -> o.code() == Status.Code.OK && o.startNanos() >= SETTLED_NANOS);
    List<OpenLoopLoad.Outcome> onRejected = on.with(Status.Code.RESOURCE_EXHAUSTED);
    List<OpenLoopLoad.Outcome> offAdmitted = off.with(Status.Code.OK);
    // Every call, answered or cut off by its deadline (which then is its latency): how long callers waited.
    List<OpenLoopLoad.Outcome> offFirstSecond = off.matching(o -> o.startNanos() < 250_000_000L);
    List<OpenLoopLoad.Outcome> offLastSecond = off.matching(o -> o.startNanos() >= 2_000_000_000L);
    double onP99 = percentileMillis(onAdmitted, 0.99);
    double onSettledP99 = percentileMillis(onSettled, 0.99);
    double offP99 = percentileMillis(offAdmitted, 0.99);
    double onGoodput = onAdmitted.size() / seconds(on.elapsed());
    double capacity = LimitedServer.WORKERS * 1000.0 / noLoadP50;

    System.out.printf(Locale.ROOT, "adaptive overload: %d ms service, %d workers (capacity ~%.0f calls/s), offered %d calls/s"
            + " for %d s open loop%n",
        WorkService.WORK_MILLIS, LimitedServer.WORKERS, capacity, OFFERED_PER_SECOND, LOAD.toSeconds());
    System.out.printf(Locale.ROOT, "  no load:      p50 %.1f ms, p99 %.1f ms%n", noLoadP50, noLoadP99);
    System.out.printf(Locale.ROOT, "  adaptive on:  admitted %d (%.0f/s), p50 %.1f ms, p99 %.1f ms (after 0.5 s: p99 %.1f ms);"
            + " rejected %d (%.1f%%), rejection p50 %.1f ms, p99 %.1f ms; other outcomes %d; limit after load %d%n",
        onAdmitted.size(), onGoodput, percentileMillis(onAdmitted, 0.5), onP99, onSettledP99, onRejected.size(),
        100 * on.share(Status.Code.RESOURCE_EXHAUSTED), percentileMillis(onRejected, 0.5),
        percentileMillis(onRejected, 0.99), on.outcomes().size() - onAdmitted.size() - onRejected.size(), limitAfterLoad);
    System.out.printf(Locale.ROOT, "  adaptive off: admitted %d, p50 %.1f ms, p99 %.1f ms; every call started in the first 250 ms"
            + " waited p50 %.1f ms, in the last second p50 %.1f ms; deadline exceeded %d (%.1f%%)%n",
        offAdmitted.size(), percentileMillis(offAdmitted, 0.5), offP99, percentileMillis(offFirstSecond, 0.5),
        percentileMillis(offLastSecond, 0.5), off.with(Status.Code.DEADLINE_EXCEEDED).size(),
        100 * off.share(Status.Code.DEADLINE_EXCEEDED));

    // On: admitted calls stay within a small multiple of the no-load latency (p99 against p99, so that
    // scheduling noise on a busy machine, which stretches both, does not decide) ...
    assertThat(percentileMillis(onSettled, 0.5)).as("adaptive on: p50 of admitted calls vs no-load p50")
        .isLessThan(3 * noLoadP50);
    assertThat(onSettledP99).as("adaptive on: p99 of admitted calls vs no-load p99").isLessThan(5 * noLoadP99);
    // ... the excess is refused, and refused fast ...
    assertThat(on.share(Status.Code.RESOURCE_EXHAUSTED)).as("share refused at about 3x capacity").isGreaterThan(0.3);
    assertThat(percentileMillis(onRejected, 0.5)).as("rejection p50 vs no-load p50").isLessThan(noLoadP50);
    assertThat(on.outcomes().size()).isEqualTo(onAdmitted.size() + onRejected.size());
    // ... while the server still does useful work near its capacity.
    assertThat(onGoodput).as("admitted calls/s vs capacity").isGreaterThan(0.5 * capacity);
    // Off: every call queues; latency keeps growing while the overload lasts.
    assertThat(offFirstSecond).isNotEmpty();
    assertThat(offLastSecond).isNotEmpty();
    assertThat(offP99).as("adaptive off p99 vs adaptive on p99").isGreaterThan(3 * onSettledP99);
    assertThat(offP99).as("adaptive off p99 vs adaptive on p99, start-up included").isGreaterThan(3 * onP99);
    assertThat(percentileMillis(offLastSecond, 0.5)).as("off: late calls wait longer than early ones")
        .isGreaterThan(2 * percentileMillis(offFirstSecond, 0.5));
  }

  private static void assertRejectionCarriesRetryInfo(LimitedServer server) throws InterruptedException {
    // Fill the limit with an overload, then look at one refused call's status details.
    OpenLoopLoad.Result burst = OpenLoopLoad.run(server.channel(), WorkService.SLOW, OFFERED_PER_SECOND,
        Duration.ofMillis(300), DEADLINE);
    assertThat(burst.with(Status.Code.RESOURCE_EXHAUSTED)).isNotEmpty();
    StatusRuntimeException refused = null;
    for (int i = 0; i < 200 && refused == null; i++) {
      List<com.google.common.util.concurrent.ListenableFuture<?>> calls = new ArrayList<>();
      for (int j = 0; j < 40; j++) {
        calls.add(ClientCalls.futureUnaryCall(server.channel().newCall(WorkService.SLOW, io.grpc.CallOptions.DEFAULT),
            SimpleRequest.getDefaultInstance()));
      }
      for (com.google.common.util.concurrent.ListenableFuture<?> call : calls) {
        try {
          call.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            refused = s;
          }
        }
      }
    }
    assertThat(refused).as("a refused call among 40 concurrent ones").isNotNull();
    assertThat(refused.getStatus().getDescription()).startsWith("concurrency limit reached for " + WorkService.SLOW.getFullMethodName());
    com.google.rpc.Status details = StatusProto.fromThrowable(refused);
    assertThat(details).isNotNull();
    assertThat(details.getDetailsList()).anyMatch(any -> any.is(RetryInfo.class));
  }

  private static int limitOf(LimitedServer server) throws Exception {
    return (int) server.sample("mesh_limits_adaptive_limit", "limiter=\"server\"");
  }

  private static List<OpenLoopLoad.Outcome> sequential(ManagedChannel channel, int calls) {
    List<OpenLoopLoad.Outcome> outcomes = new ArrayList<>();
    SimpleRequest request = SimpleRequest.newBuilder().setRequestMessage("work").build();
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      ClientCalls.blockingUnaryCall(channel, WorkService.SLOW, io.grpc.CallOptions.DEFAULT, request);
      outcomes.add(new OpenLoopLoad.Outcome(0, System.nanoTime() - start, Status.Code.OK));
    }
    return outcomes;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
