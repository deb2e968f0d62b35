package dev.datapunk.mesh.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.datapunk.mesh.runtime.config.ConfigChange;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.ReloadReport;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits.adaptive.*} changed in {@code mesh.yaml} while a real server runs, through the real
 * {@link ConfigWatcher}: the number of {@code Hold} calls inside service code at once (counted by
 * the service itself) follows the new bounds, the limit switches on and off, a bad value changes
 * nothing, and {@code per-method} is reported as needing a restart. {@code Hold} calls never
 * complete by themselves, and the limit cannot shrink without completed calls, so the counts are
 * exact.
 */
class AdaptiveLimitReloadTest {

  private static final SimpleRequest REQUEST =
      SimpleRequest.newBuilder().setRequestMessage("x").build();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final List<ListenableFuture<SimpleResponse>> calls = new ArrayList<>();

  @Test
  @Timeout(60)
  void loweredMaxLimitCapsCallsInFlightWhileCallsRun() throws Exception {
    write(
        """
        limits.adaptive.enabled: true
        limits.adaptive.initial-limit: 8
        limits.adaptive.min-limit: 1
        limits.adaptive.max-limit: 8
        """);
    try (LimitedServer server = LimitedServer.start(dir, "--server.worker-threads=24")) {
      ConfigWatcher watcher = server.server().configWatcher().orElseThrow();
      assertThat(flood(server, 12)).as("refused of 12 at limit 8").isEqualTo(4);
      assertThat(server.work().holding()).isEqualTo(8);

      write(
          """
          limits.adaptive.enabled: true
          limits.adaptive.initial-limit: 3
          limits.adaptive.min-limit: 1
          limits.adaptive.max-limit: 3
          """);
      await().atMost(WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
      assertThat(watcher.lastReport().orElseThrow().applied())
          .extracting(ConfigChange::toString)
          .containsExactlyInAnyOrder(
              "limits.adaptive.initial-limit 8 -> 3", "limits.adaptive.max-limit 8 -> 3");
      assertThat(server.sample("mesh_limits_adaptive_limit", "limiter=\"server\""))
          .as("clamped to the new max")
          .isEqualTo(3.0);
      // The 8 admitted calls carry on (nothing is cut off); new ones find no room.
      assertThat(flood(server, 5)).as("refused while 8 > 3 are in flight").isEqualTo(5);
      assertThat(server.work().holding()).isEqualTo(8);
      finishAll(server);

      server.work().holdAgain();
      server.work().resetMostHolding();
      assertThat(flood(server, 10)).as("refused of 10 at limit 3").isEqualTo(7);
      assertThat(server.work().holding()).isEqualTo(3);
      assertThat(server.work().mostHolding()).as("never more than 3 at once").isEqualTo(3);
      finishAll(server);
      assertThat(watcher.reloads(ReloadReport.Result.REJECTED)).isZero();
    }
  }

  @Test
  @Timeout(60)
  void limitSwitchesOnAndOffAtRunTime() throws Exception {
    write(
        """
        limits.adaptive.enabled: false
        limits.adaptive.initial-limit: 2
        limits.adaptive.max-limit: 2
        limits.adaptive.min-limit: 1
        """);
    try (LimitedServer server = LimitedServer.start(dir, "--server.worker-threads=24")) {
      ConfigWatcher watcher = server.server().configWatcher().orElseThrow();
      assertThat(flood(server, 6)).as("off: nothing refused").isZero();
      assertThat(server.work().holding()).isEqualTo(6);
      assertThat(server.scrape())
          .as("no limiter meters while off")
          .doesNotContain("mesh_limits_adaptive_limit");
      finishAll(server);

      write(
          """
          limits.adaptive.enabled: true
          limits.adaptive.initial-limit: 2
          limits.adaptive.max-limit: 2
          limits.adaptive.min-limit: 1
          """);
      await().atMost(WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
      server.work().holdAgain();
      assertThat(flood(server, 6)).as("on: refused of 6 at limit 2").isEqualTo(4);
      assertThat(server.work().holding()).isEqualTo(2);
      assertThat(server.sample("mesh_limits_adaptive_inflight", "limiter=\"server\""))
          .isEqualTo(2.0);

      // Off again while 2 are held: the next calls pass; the held ones still release their slots.
      write(
          """
          limits.adaptive.enabled: false
          limits.adaptive.initial-limit: 2
          limits.adaptive.max-limit: 2
          limits.adaptive.min-limit: 1
          """);
      await().atMost(WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 2);
      assertThat(flood(server, 4)).as("off again: nothing refused").isZero();
      assertThat(server.work().holding()).isEqualTo(6);
      finishAll(server);
      assertThat(server.sample("mesh_limits_adaptive_inflight", "limiter=\"server\"")).isZero();
    }
  }

  @Test
  @Timeout(60)
  void badValueChangesNothingAndPerMethodNeedsRestart() throws Exception {
    String good =
        """
        limits.adaptive.enabled: true
        limits.adaptive.initial-limit: 4
        limits.adaptive.min-limit: 1
        limits.adaptive.max-limit: 4
        """;
    write(good);
    try (LimitedServer server = LimitedServer.start(dir, "--server.worker-threads=24")) {
      ConfigWatcher watcher = server.server().configWatcher().orElseThrow();
      // min above max, next to a valid change of the public share: neither is applied.
      write(
          """
          limits.adaptive.enabled: true
          limits.adaptive.initial-limit: 4
          limits.adaptive.min-limit: 9
          limits.adaptive.max-limit: 4
          limits.adaptive.public-reserved: 50
          """);
      await().atMost(WAIT).until(() -> watcher.reloads(ReloadReport.Result.REJECTED) == 1);
      assertThat(watcher.lastReport().orElseThrow().error())
          .hasValueSatisfying(error -> assertThat(error).contains("limits.adaptive.min-limit"));
      write(good + "limits.adaptive.reserved.mesh.test.Work/Nope: 20\n");
      await().atMost(WAIT).until(() -> watcher.reloads(ReloadReport.Result.REJECTED) == 2);
      assertThat(watcher.lastReport().orElseThrow().error())
          .hasValueSatisfying(
              error -> assertThat(error).contains("limits.adaptive.reserved.mesh.test.Work/Nope"));
      assertThat(flood(server, 6)).as("still limit 4").isEqualTo(2);
      finishAll(server);
      assertThat(watcher.reloads(ReloadReport.Result.APPLIED)).isZero();

      write(good + "limits.adaptive.per-method: true\n");
      await().atMost(WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
      ReloadReport report = watcher.lastReport().orElseThrow();
      assertThat(report.needsRestart())
          .extracting(ConfigChange::describeInParentheses)
          .containsExactly("limits.adaptive.per-method (false -> true)");
      assertThat(report.applied()).isEmpty();
      assertThat(server.scrape())
          .as("still the one shared limiter")
          .contains("limiter=\"server\"")
          .doesNotContain("limiter=\"mesh.test.Work/Hold\"");
    }
  }

  /**
   * Starts {@code n} {@code Hold} calls and waits until each is either inside service code or
   * refused; the number refused.
   */
  private int flood(LimitedServer server, int n) {
    int before = server.work().holding();
    List<ListenableFuture<SimpleResponse>> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      started.add(
          ClientCalls.futureUnaryCall(
              server
                  .channel()
                  .newCall(
                      WorkService.HOLD,
                      CallOptions.DEFAULT.withDeadlineAfter(40, TimeUnit.SECONDS)),
              REQUEST));
    }
    calls.addAll(started);
    await().atMost(WAIT).until(() -> server.work().holding() - before + refused(started) == n);
    return refused(started);
  }

  private static int refused(List<ListenableFuture<SimpleResponse>> started) {
    int refused = 0;
    for (ListenableFuture<SimpleResponse> call : started) {
      if (call.isDone()) {
        try {
          call.get();
        } catch (ExecutionException e) {
          assertThat(Status.fromThrowable(e.getCause()).getCode())
              .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          refused++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
    return refused;
  }

  /**
   * Releases every held call and waits until all calls so far have ended and left the limiter (a
   * call's slot comes back just after its client has seen the answer).
   */
  private void finishAll(LimitedServer server) throws Exception {
    server.work().release();
    for (ListenableFuture<SimpleResponse> call : calls) {
      try {
        call.get(20, TimeUnit.SECONDS);
      } catch (ExecutionException refusedBefore) {
        // counted when it happened
      }
    }
    calls.clear();
    await().atMost(WAIT).until(() -> server.work().holding() == 0 && server.limiterInFlight() == 0);
  }

  /** Replaces mesh.yaml atomically, as editors and deployment tools do. */
  private void write(String content) throws IOException {
    Path file = dir.resolve("mesh.yaml");
    Path temporary = dir.resolve("mesh.yaml.tmp");
    Files.writeString(temporary, content, StandardCharsets.UTF_8);
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
