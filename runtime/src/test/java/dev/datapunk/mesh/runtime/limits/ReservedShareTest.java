package dev.datapunk.mesh.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One shared adaptive limit; {@code Slow} floods it at 4x the server's capacity while {@code
 * Other} (no reserve), {@code Critical} ({@code limits.adaptive.reserved} 40%) and {@code Ping}
 * ({@code @Public}, {@code limits.adaptive.public-reserved} 30%) are called 10 times a second: the
 * flood and the unreserved method are refused alike; the reserved ones keep working. (The shares are
 * large because this server's limit is small, about 8: 40% of it is 4 calls.)
 */
class ReservedShareTest {

  private static final int MODEST_PER_SECOND = 10;

  @TempDir
  Path dir;

  @Test
  @Timeout(60)
  void reservedAndPublicMethodsKeepTheirShareWhileAnotherMethodFloodsTheLimit() throws Exception {
    try (LimitedServer server = LimitedServer.start(dir, "--limits.adaptive.enabled=true",
        "--limits.adaptive.public-reserved=30",
        "--limits.adaptive.reserved." + WorkService.CRITICAL.getFullMethodName() + "=40")) {
      for (int i = 0; i < 20; i++) {
        io.grpc.stub.ClientCalls.blockingUnaryCall(server.channel(), WorkService.SLOW, io.grpc.CallOptions.DEFAULT,
            io.grpc.testing.protobuf.SimpleRequest.getDefaultInstance());
      }
      List<OpenLoopLoad.Result> results = OpenLoopLoad.runAll(server.channel(), List.of(
              new OpenLoopLoad.Stream(WorkService.SLOW, 1_600),
              new OpenLoopLoad.Stream(WorkService.OTHER, MODEST_PER_SECOND),
              new OpenLoopLoad.Stream(WorkService.CRITICAL, MODEST_PER_SECOND),
              new OpenLoopLoad.Stream(WorkService.PING, MODEST_PER_SECOND)),
          Duration.ofSeconds(3), Duration.ofSeconds(2));
      double slow = results.get(0).share(Status.Code.RESOURCE_EXHAUSTED);
      double other = results.get(1).share(Status.Code.RESOURCE_EXHAUSTED);
      double critical = results.get(2).share(Status.Code.RESOURCE_EXHAUSTED);
      double ping = results.get(3).share(Status.Code.RESOURCE_EXHAUSTED);
      System.out.printf(Locale.ROOT, "reserved shares under a 4x flood of Slow: refused Slow %.1f%%, Other (no reserve)"
              + " %.1f%% of %d, Critical (40%%) %.1f%% of %d, Ping (@Public, 30%%) %.1f%% of %d; limit after %d%n",
          100 * slow, 100 * other, results.get(1).outcomes().size(), 100 * critical, results.get(2).outcomes().size(),
          100 * ping, results.get(3).outcomes().size(),
          (int) server.sample("mesh_limits_adaptive_limit", "limiter=\"server\""));

      assertThat(slow).as("flood refused").isGreaterThan(0.4);
      assertThat(other).as("unreserved method shares the flood's fate").isGreaterThan(0.3);
      // A reserved method is refused only when its own calls fill its share, far less often than a
      // method without a reserve (margins allow for a busy machine stretching every call).
      assertThat(critical).as("reserved method refused, vs the unreserved one").isLessThan(other / 2);
      assertThat(ping).as("@Public method refused, vs the unreserved one").isLessThan(other / 2);
      for (OpenLoopLoad.Result result : results) {
        assertThat(result.with(Status.Code.OK).size() + result.with(Status.Code.RESOURCE_EXHAUSTED).size())
            .isEqualTo(result.outcomes().size());
      }

      String limiter = "limiter=\"server\"";
      assertThat(server.sample("mesh_limits_adaptive_limit", limiter)).isBetween(2.0, 1000.0);
      assertThat(server.sample("mesh_limits_adaptive_inflight", limiter)).isZero();
      assertThat(server.sample("mesh_limits_adaptive_rejections_total", limiter + ",method=\""
          + WorkService.SLOW.getFullMethodName() + "\"")).isEqualTo(results.get(0).with(Status.Code.RESOURCE_EXHAUSTED).size());
    }
  }
}
