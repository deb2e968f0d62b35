package dev.datapunk.mesh.runtime.metrics;

import static dev.datapunk.mesh.runtime.metrics.MeteredServer.request;
import static dev.datapunk.mesh.runtime.metrics.MeteredServer.withToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of distinct callers adds no series: no client id, subject or address ever becomes a tag.
 * (The Python original tagged by client id and grew without bound.)
 */
class CardinalityTest {

  /**
   * Distinct verified subjects, each also a distinct rate-limit client (signing makes them the slow
   * part).
   */
  private static final int SUBJECTS = 2_000;

  /** Distinct rejected tokens. */
  private static final int BAD_TOKENS = 8_000;

  @Test
  void tenThousandDistinctCallersAddNoSeries(@TempDir Path dir) throws Exception {
    try (MeteredServer server = MeteredServer.start(dir)) {
      var stub = server.blocking();
      // Warm up every outcome the flood produces, so the "before" count has their series.
      withToken(stub, server.token("warm-up", "read"))
          .serverStreamingRpc(request(""))
          .forEachRemaining(r -> {});
      rejected(() -> withToken(stub, "not-a-token").serverStreamingRpc(request("")).next());
      String before = server.scrape();
      long seriesBefore = meshSeries(before);

      DevSigningKey key = DevSigningKey.ensure(dir.resolve(".mesh/dev"));
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      ExecutorService callers = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int first = t;
          done.add(
              callers.submit(
                  () -> {
                    for (int i = first; i < SUBJECTS; i += 8) {
                      String token =
                          DevTokens.mint(
                              key,
                              new DevTokenRequest(
                                  "client-" + i,
                                  List.of("read"),
                                  Duration.ofMinutes(5),
                                  Optional.empty(),
                                  Optional.empty()));
                      withToken(stub, token)
                          .serverStreamingRpc(request(""))
                          .forEachRemaining(r -> {});
                      ok.incrementAndGet();
                    }
                    for (int i = first; i < BAD_TOKENS; i += 8) {
                      int n = i;
                      if (rejected(
                          () ->
                              withToken(stub, "garbage-" + n)
                                  .serverStreamingRpc(request(""))
                                  .next())) {
                        refused.incrementAndGet();
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        callers.shutdownNow();
      }
      assertThat(ok).hasValue(SUBJECTS);
      assertThat(refused).hasValue(BAD_TOKENS);

      String after = server.scrape();
      assertThat(meshSeries(after)).isEqualTo(seriesBefore);
      assertThat(after).doesNotContain("client-1\"", "garbage-");
    }
  }

  /** Samples of the grpc and mesh meters: what callers could inflate. */
  private static long meshSeries(String scrape) {
    return scrape.lines().filter(l -> l.startsWith("grpc_") || l.startsWith("mesh_")).count();
  }

  private static boolean rejected(Runnable call) {
    try {
      call.run();
      return false;
    } catch (StatusRuntimeException e) {
      return true;
    }
  }
}
