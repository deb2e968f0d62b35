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
 * A method that takes 10 ms, on a server with 4 worker threads (capacity at most 400 calls/s, less
 * on a busy machine), is offered 1,000 calls/s (about 3x its capacity) for 3 s, open loop, each
 * call with a 2 s deadline. With the adaptive limit on, the limit comes down from its initial
 * value, the excess is refused before any service code runs, and calls do not queue until their
 * deadline. With it off, nothing is refused, every call queues and waiting grows until deadlines
 * cut it off: early calls are mostly served, late ones mostly cut off.
 *
 * <p>Assertions are on counts and states, and compare the two runs made in the same conditions: a
 * busy machine lowers the capacity, which adds to the refusals and the calls cut off in both.
 * Latencies are printed for the record.
 */
class AdaptiveLimitOverloadTest {

  private static final int OFFERED_PER_SECOND = 1_000;
  private static final Duration LOAD = Duration.ofSeconds(3);
  private static final Duration DEADLINE = Duration.ofSeconds(2);

  /** {@code limits.adaptive.initial-limit} (its default). */
  private static final int INITIAL_LIMIT = 20;

  /** Latency is printed for calls started after the first moments of each run. */
  private static final long SETTLED_NANOS = Duration.ofMillis(500).toNanos();

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void adaptiveLimitRefusesTheExcessSoCallsDoNotQueueToTheirDeadlineAsUnlimitedCallsDo()
      throws Exception {
    double noLoadP50;
    double noLoadP99;
    OpenLoopLoad.Result on;
    int limitAfterLoad;
    int worked;
    try (LimitedServer server =
        LimitedServer.start(
            dir,
            "--limits.adaptive.enabled=true",
            "--limits.adaptive.initial-limit=" + INITIAL_LIMIT)) {
      List<OpenLoopLoad.Outcome> noLoad = sequential(server.channel(), 250);
      noLoad =
          noLoad.subList(50, noLoad.size()); // the first calls warm up the JIT and the connection
      noLoadP50 = percentileMillis(noLoad, 0.50);
      noLoadP99 = percentileMillis(noLoad, 0.99);
      // One second of the same overload first, discarded: it warms the JIT (the "off" server below
      // runs
      // in the same, by then warm, JVM) and lets the limit leave its initial value.
      OpenLoopLoad.Result warmUp =
          OpenLoopLoad.run(
              server.channel(),
              WorkService.SLOW,
              OFFERED_PER_SECOND,
              Duration.ofSeconds(1),
              DEADLINE);
      System.out.printf(
          Locale.ROOT,
          "  (warm-up second, adaptive on: admitted p99 %.1f ms, limit after %d)%n",
          percentileMillis(warmUp.with(Status.Code.OK), 0.99),
          limitOf(server));
      int workedBefore = server.work().worked();
      on = OpenLoopLoad.run(server.channel(), WorkService.SLOW, OFFERED_PER_SECOND, LOAD, DEADLINE);
      worked = server.work().worked() - workedBefore;
      limitAfterLoad = limitOf(server);
      assertRejectionCarriesRetryInfo(server);
    }
    OpenLoopLoad.Result off;
    try (LimitedServer server = LimitedServer.start(dir, "--limits.adaptive.enabled=false")) {
      sequential(server.channel(), 50);
      off =
          OpenLoopLoad.run(server.channel(), WorkService.SLOW, OFFERED_PER_SECOND, LOAD, DEADLINE);
    }

    List<OpenLoopLoad.Outcome> onAdmitted = on.with(Status.Code.OK);
    List<OpenLoopLoad.Outcome> onSettled =
        on.matching(o -> o.code() == Status.Code.OK && o.startNanos() >= SETTLED_NANOS);
    List<OpenLoopLoad.Outcome> onRejected = on.with(Status.Code.RESOURCE_EXHAUSTED);
    List<OpenLoopLoad.Outcome> offAdmitted = off.with(Status.Code.OK);
    // Every call, answered or cut off by its deadline (which then is its latency): how long callers
    // waited.
    List<OpenLoopLoad.Outcome> offFirstQuarterSecond =
        off.matching(o -> o.startNanos() < 250_000_000L);
    List<OpenLoopLoad.Outcome> offLastSecond = off.matching(o -> o.startNanos() >= 2_000_000_000L);
    double onGoodput = onAdmitted.size() / seconds(on.elapsed());

    System.out.printf(
        Locale.ROOT,
        "adaptive overload: %d ms service, %d workers (at most %d calls/s), offered %d"
            + " calls/s for %d s open loop%n",
        WorkService.WORK_MILLIS,
        LimitedServer.WORKERS,
        LimitedServer.WORKERS * 1000 / WorkService.WORK_MILLIS,
        OFFERED_PER_SECOND,
        LOAD.toSeconds());
    System.out.printf(
        Locale.ROOT, "  no load:      p50 %.1f ms, p99 %.1f ms%n", noLoadP50, noLoadP99);
    System.out.printf(
        Locale.ROOT,
        "  adaptive on:  admitted %d (%.0f/s), p50 %.1f ms, p99 %.1f ms (after 0.5 s: p99 %.1f ms);"
            + " rejected %d (%.1f%%), rejection p50 %.1f ms, p99 %.1f ms; other outcomes %d; limit"
            + " after load %d%n",
        onAdmitted.size(),
        onGoodput,
        percentileMillis(onAdmitted, 0.5),
        percentileMillis(onAdmitted, 0.99),
        percentileMillis(onSettled, 0.99),
        onRejected.size(),
        100 * on.share(Status.Code.RESOURCE_EXHAUSTED),
        percentileMillis(onRejected, 0.5),
        percentileMillis(onRejected, 0.99),
        on.outcomes().size() - onAdmitted.size() - onRejected.size(),
        limitAfterLoad);
    System.out.printf(
        Locale.ROOT,
        "  adaptive off: admitted %d, p50 %.1f ms, p99 %.1f ms; every call started in the first 250"
            + " ms waited p50 %.1f ms (%.0f%% cut off), in the last second p50 %.1f ms (%.0f%% cut"
            + " off); deadline exceeded %d (%.1f%%)%n",
        offAdmitted.size(),
        percentileMillis(offAdmitted, 0.5),
        percentileMillis(offAdmitted, 0.99),
        percentileMillis(offFirstQuarterSecond, 0.5),
        100 * cutOffShare(offFirstQuarterSecond),
        percentileMillis(offLastSecond, 0.5),
        100 * cutOffShare(offLastSecond),
        off.with(Status.Code.DEADLINE_EXCEEDED).size(),
        100 * off.share(Status.Code.DEADLINE_EXCEEDED));

    // On: the limit came down from its initial value under the overload ...
    assertThat(limitAfterLoad)
        .as("adaptive on: limit after the overload")
        .isLessThan(INITIAL_LIMIT);
    // ... the excess was refused (4 workers serve at most 400 calls/s) ...
    assertThat(on.share(Status.Code.RESOURCE_EXHAUSTED))
        .as("share refused at about 3x capacity")
        .isGreaterThan(0.3);
    assertThat(on.outcomes())
        .as("adaptive on: every call served, refused or cut off by its deadline")
        .allMatch(
            o ->
                o.code() == Status.Code.OK
                    || o.code() == Status.Code.RESOURCE_EXHAUSTED
                    || o.code() == Status.Code.DEADLINE_EXCEEDED);
    // ... before any service code ran for it (service code ran for every call served, and for none
    // of the refused ones) ...
    assertThat(worked)
        .as("adaptive on: calls whose service code ran")
        .isBetween(onAdmitted.size(), on.outcomes().size() - onRejected.size());
    // ... so calls do not queue until their deadline as they do without the limit. (Usually none
    // does; but refusing takes a worker thread too, so on a machine starved of CPU some admitted
    // calls wait long enough, as they would for any server this busy.)
    assertThat(cutOffShare(on.outcomes()))
        .as(
            "adaptive on: share cut off by the deadline, against %.2f off",
            cutOffShare(off.outcomes()))
        .isLessThan(cutOffShare(off.outcomes()) / 2);
    // ... while the server still served: at least a tenth of what the same server without the limit
    // served in the same overload (a busy machine slows both runs alike; how the limit grows and
    // shrinks is VegasLimitTest's).
    assertThat(onAdmitted.size())
        .as("adaptive on: calls served, against %d with the limit off", offAdmitted.size())
        .isGreaterThan(offAdmitted.size() / 10);
    // Off: nothing is refused, every call queues, and the wait grows for as long as the overload
    // lasts: most early calls are served, most late ones are cut off by their deadline.
    assertThat(off.with(Status.Code.RESOURCE_EXHAUSTED))
        .as("adaptive off: refused calls")
        .isEmpty();
    assertThat(offFirstQuarterSecond).isNotEmpty();
    assertThat(offLastSecond).isNotEmpty();
    assertThat(cutOffShare(offFirstQuarterSecond))
        .as("adaptive off: share of early calls cut off")
        .isLessThan(0.5);
    assertThat(cutOffShare(offLastSecond))
        .as("adaptive off: share of late calls cut off")
        .isGreaterThan(0.5);
  }

  /** The share of {@code outcomes} that ran into their deadline. */
  private static double cutOffShare(List<OpenLoopLoad.Outcome> outcomes) {
    return (double) outcomes.stream().filter(o -> o.code() == Status.Code.DEADLINE_EXCEEDED).count()
        / outcomes.size();
  }

  private static void assertRejectionCarriesRetryInfo(LimitedServer server)
      throws InterruptedException {
    // Fill the limit with an overload, then look at one refused call's status details.
    OpenLoopLoad.Result burst =
        OpenLoopLoad.run(
            server.channel(),
            WorkService.SLOW,
            OFFERED_PER_SECOND,
            Duration.ofMillis(300),
            DEADLINE);
    assertThat(burst.with(Status.Code.RESOURCE_EXHAUSTED)).isNotEmpty();
    StatusRuntimeException refused = null;
    for (int i = 0; i < 200 && refused == null; i++) {
      List<com.google.common.util.concurrent.ListenableFuture<?>> calls = new ArrayList<>();
      for (int j = 0; j < 40; j++) {
        calls.add(
            ClientCalls.futureUnaryCall(
                server.channel().newCall(WorkService.SLOW, io.grpc.CallOptions.DEFAULT),
                SimpleRequest.getDefaultInstance()));
      }
      for (com.google.common.util.concurrent.ListenableFuture<?> call : calls) {
        try {
          call.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof StatusRuntimeException s
              && s.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            refused = s;
          }
        }
      }
    }
    assertThat(refused).as("a refused call among 40 concurrent ones").isNotNull();
    assertThat(refused.getStatus().getDescription())
        .startsWith("concurrency limit reached for " + WorkService.SLOW.getFullMethodName());
    com.google.rpc.Status details = StatusProto.fromThrowable(refused);
    assertThat(details).isNotNull();
    assertThat(details.getDetailsList()).anyMatch(any -> any.is(RetryInfo.class));
  }

  private static int limitOf(LimitedServer server) {
    return (int) server.sample("mesh_limits_adaptive_limit", "limiter=\"server\"");
  }

  private static List<OpenLoopLoad.Outcome> sequential(ManagedChannel channel, int calls) {
    List<OpenLoopLoad.Outcome> outcomes = new ArrayList<>();
    SimpleRequest request = SimpleRequest.newBuilder().setRequestMessage("work").build();
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      ClientCalls.blockingUnaryCall(
          channel, WorkService.SLOW, io.grpc.CallOptions.DEFAULT, request);
      outcomes.add(new OpenLoopLoad.Outcome(0, System.nanoTime() - start, Status.Code.OK));
    }
    return outcomes;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
