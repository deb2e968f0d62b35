package dev.datapunk.mesh.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.ratelimit.redis.RedisServer;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with {@code ratelimit.backend=redis} under continuous load from three client threads
 * while its real {@code redis-server} is killed (SIGKILL) and started again on the same port.
 */
class RedisOutageUnderLoadTest {

  /** A limit every call is within: whatever decides, an admitted call is OK. */
  private static final MethodPolicy ADMITTING =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
          .publicAccess()
          .rateLimit(100_000, 100_000)
          .build();

  private static final Duration REDIS_TIMEOUT = Duration.ofMillis(200);

  /** Generous: a call on a loaded 2-core machine may wait for a thread, GC or the scheduler. */
  private static final Duration MARGIN = Duration.ofSeconds(2);

  private static final Duration OUTAGE = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String FALLBACK = "mesh_ratelimit_fallback_total";
  private static final String DECISIONS = "mesh_ratelimit_decisions_total";

  @TempDir Path dir;
  private RedisServer redis;
  private MeshServer server;
  private ManagedChannel channel;
  private CallLoad load;

  @AfterEach
  void stop() throws Exception {
    if (load != null) {
      load.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private void startServer(String failureMode) {
    redis = RedisServer.start(dir);
    server =
        FaultServer.start(
            dir,
            ADMITTING,
            "--tls.mode=plaintext",
            "--ratelimit.backend=redis",
            "--ratelimit.redis.uri=" + redis.uri(),
            "--ratelimit.redis.timeout=" + REDIS_TIMEOUT.toMillis() + "ms",
            "--ratelimit.redis.failure-mode=" + failureMode,
            "--ratelimit.redis.breaker.failures=3",
            "--ratelimit.redis.breaker.cool-down=300ms",
            "--health.check-interval=100ms");
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    load =
        CallLoad.start(
            3,
            () ->
                SimpleServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build()),
            Duration.ofMillis(2),
            200_000,
            Duration.ofSeconds(50));
  }

  private Scrape scrape() {
    return Scrape.of(server.metricsPort().orElseThrow());
  }

  private boolean redisHasBuckets() {
    return !redis.admin().keys("mesh:rl:*").isEmpty();
  }

  @Test
  void localFailureModeAdmitsEveryCallWithinTheTimeoutAndReturnsToRedisByItself() throws Exception {
    startServer("local");
    await().atMost(WAIT).until(() -> redisHasBuckets() && load.calls().size() >= 50);
    // Not zero on a very busy machine: a decision that misses the timeout is a fallback too.
    assertThat(scrape().sum(FALLBACK))
        .as("fallbacks while Redis is up")
        .isLessThan(scrape().sum(DECISIONS) / 2);

    long down = System.nanoTime();
    redis.kill();
    long killed = System.nanoTime();
    Thread.sleep(OUTAGE.toMillis());
    double fallbacksWhileDown = scrape().sum(FALLBACK, "backend=\"redis\"");
    long restarting = System.nanoTime();
    redis.start();
    long up = System.nanoTime();

    // Back on Redis by itself: buckets appear in the new (empty) Redis, fallbacks stop growing.
    await().atMost(WAIT).until(this::redisHasBuckets);
    long backOnRedis = System.nanoTime();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              double before = scrape().sum(FALLBACK);
              double decisionsBefore = scrape().sum(DECISIONS, "backend=\"redis\"");
              Thread.sleep(1_000);
              return scrape().sum(FALLBACK) == before
                  && scrape().sum(DECISIONS, "backend=\"redis\"") > decisionsBefore + 10;
            });
    List<CallLoad.Call> calls = load.stop();

    // From the kill signal on: includes the calls in flight when Redis died, which pay the timeout.
    List<CallLoad.Call> duringOutage =
        calls.stream().filter(c -> c.startNanos() >= down && c.startNanos() < restarting).toList();
    assertThat(calls)
        .as("every call is admitted: %s", summary(calls))
        .allMatch(c -> c.code() == Status.Code.OK);
    assertThat(duringOutage).as("calls made while Redis was down").hasSizeGreaterThan(20);
    long afterPortClosed =
        duringOutage.stream()
            .filter(c -> c.startNanos() >= killed && c.endNanos() <= restarting)
            .count();
    assertThat(fallbacksWhileDown)
        .as("every call after Redis's port closed was a fallback")
        .isGreaterThanOrEqualTo((double) afterPortClosed);
    double maxMillis = duringOutage.stream().mapToDouble(CallLoad.Call::millis).max().orElseThrow();
    assertThat(maxMillis)
        .as("slowest call while Redis was down, ms")
        .isLessThan((double) REDIS_TIMEOUT.plus(MARGIN).toMillis());
    // A call that waited for the timeout took at least the timeout; one answered by the open
    // breaker
    // took less (however busy the machine, unless it was stalled for the whole timeout).
    long fast = duringOutage.stream().filter(c -> c.nanos() < REDIS_TIMEOUT.toNanos()).count();
    assertThat(fast)
        .as("the breaker answers most outage calls without waiting for the timeout")
        .isGreaterThan(duringOutage.size() / 2);

    System.out.printf(
        "[fault figures] redis local: %d calls, %d while down (%d faster than %d ms), outage p50"
            + " %.1f ms p99 %.1f ms max %.1f ms (max over all calls %.1f ms); kill took %d ms,"
            + " restart %d ms, back on Redis %d ms after restart; fallbacks %.0f; %s%n",
        calls.size(),
        duringOutage.size(),
        fast,
        REDIS_TIMEOUT.toMillis(),
        percentile(duringOutage, 0.5),
        percentile(duringOutage, 0.99),
        maxMillis,
        calls.stream().mapToDouble(CallLoad.Call::millis).max().orElseThrow(),
        (killed - down) / 1_000_000,
        (up - restarting) / 1_000_000,
        (backOnRedis - up) / 1_000_000,
        scrape().sum(FALLBACK),
        scrape().lines("mesh_ratelimit_decisions_total{"));
  }

  @Test
  void aRedisThatStopsAnsweringCostsAtMostTheTimeoutAndTheBreakerMakesTheRestFast()
      throws Exception {
    startServer("local");
    await().atMost(WAIT).until(() -> redisHasBuckets() && load.calls().size() >= 50);

    // CLIENT PAUSE: the connection stays open, Redis just does not answer (a hung or overloaded
    // host).
    long paused = System.nanoTime();
    redis.admin().clientPause(OUTAGE.toMillis());
    long resumes = paused + OUTAGE.toNanos();
    Thread.sleep(OUTAGE.toMillis());
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              double before = scrape().sum(FALLBACK);
              Thread.sleep(1_000);
              return scrape().sum(FALLBACK) == before;
            });
    await()
        .atMost(WAIT)
        .until(this::redisHasBuckets); // keys live a millisecond at this rate: poll under load
    List<CallLoad.Call> calls = load.stop();

    List<CallLoad.Call> duringPause =
        calls.stream().filter(c -> c.startNanos() >= paused && c.startNanos() < resumes).toList();
    assertThat(calls)
        .as("every call is admitted: %s", summary(calls))
        .allMatch(c -> c.code() == Status.Code.OK);
    assertThat(duringPause).as("calls made while Redis did not answer").hasSizeGreaterThan(20);
    double maxMillis = duringPause.stream().mapToDouble(CallLoad.Call::millis).max().orElseThrow();
    assertThat(maxMillis)
        .as("slowest call while Redis did not answer, ms")
        .isLessThan((double) REDIS_TIMEOUT.plus(MARGIN).toMillis());
    long paidTimeout =
        duringPause.stream().filter(c -> c.nanos() >= REDIS_TIMEOUT.toNanos()).count();
    assertThat(paidTimeout)
        .as("some calls waited for the timeout (else this test tests nothing)")
        .isPositive();
    long fast = duringPause.stream().filter(c -> c.nanos() < REDIS_TIMEOUT.toNanos()).count();
    assertThat(fast)
        .as("the open breaker answers most calls without waiting")
        .isGreaterThan(duringPause.size() / 2);

    System.out.printf(
        "[fault figures] redis paused: %d calls, %d during the %d ms pause: %d waited >= %d ms,"
            + " %d faster than %d ms, p50 %.1f ms p99 %.1f ms max %.1f ms; fallbacks %.0f%n",
        calls.size(),
        duringPause.size(),
        OUTAGE.toMillis(),
        paidTimeout,
        REDIS_TIMEOUT.toMillis(),
        fast,
        REDIS_TIMEOUT.toMillis(),
        percentile(duringPause, 0.5),
        percentile(duringPause, 0.99),
        maxMillis,
        scrape().sum(FALLBACK));
  }

  @Test
  void denyFailureModeRefusesQuicklyWithResourceExhaustedAndRecovers() throws Exception {
    startServer("deny");
    await().atMost(WAIT).until(() -> redisHasBuckets() && load.calls().size() >= 50);

    long down = System.nanoTime();
    redis.kill();
    long killed = System.nanoTime();
    Thread.sleep(OUTAGE.toMillis());
    assertThat(health())
        .as("deny refuses every limited call, so health says so")
        .isEqualTo(ServingStatus.NOT_SERVING);
    long restarting = System.nanoTime();
    redis.start();
    long up = System.nanoTime();
    await().atMost(WAIT).until(() -> health() == ServingStatus.SERVING);
    await()
        .atMost(WAIT)
        .until(
            () -> load.calls(c -> c.startNanos() > up && c.code() == Status.Code.OK).size() >= 50);
    long recovered =
        load.calls(c -> c.startNanos() > up && c.code() == Status.Code.OK).stream()
            .mapToLong(CallLoad.Call::startNanos)
            .min()
            .orElseThrow();
    List<CallLoad.Call> calls = load.stop();

    List<CallLoad.Call> duringOutage =
        calls.stream().filter(c -> c.startNanos() >= killed && c.endNanos() <= restarting).toList();
    assertThat(duringOutage)
        .as(
            "calls made while Redis was down (of %s started after the kill, %d ms down)",
            describe(calls.stream().filter(c -> c.startNanos() >= killed).toList()),
            (restarting - killed) / 1_000_000)
        .hasSizeGreaterThan(20);
    assertThat(duringOutage)
        .as("every call while Redis is down is refused: %s", summary(duringOutage))
        .allMatch(c -> c.code() == Status.Code.RESOURCE_EXHAUSTED);
    assertThat(calls)
        .as("OK or refused, nothing else: %s", summary(calls))
        .allMatch(c -> c.code() == Status.Code.OK || c.code() == Status.Code.RESOURCE_EXHAUSTED);
    assertThat(duringOutage.get(0).description()).startsWith("rate limit");
    double maxMillis =
        calls.stream()
            .filter(c -> c.startNanos() >= down && c.startNanos() < restarting)
            .mapToDouble(CallLoad.Call::millis)
            .max()
            .orElseThrow();
    assertThat(maxMillis)
        .as("slowest call from the kill to the restart, ms")
        .isLessThan((double) REDIS_TIMEOUT.plus(MARGIN).toMillis());

    System.out.printf(
        "[fault figures] redis deny: %d calls, %d refused while down, p50 %.1f ms max %.1f ms;"
            + " first OK call started %d ms after restart; %s%n",
        calls.size(),
        duringOutage.size(),
        percentile(duringOutage, 0.5),
        maxMillis,
        (recovered - up) / 1_000_000,
        summary(calls));
  }

  private ServingStatus health() {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  private static String describe(List<CallLoad.Call> calls) {
    return calls.size()
        + " calls "
        + summary(calls)
        + ", max "
        + calls.stream().mapToDouble(CallLoad.Call::millis).max().orElse(0)
        + " ms";
  }

  private static Map<Status.Code, Long> summary(List<CallLoad.Call> calls) {
    return calls.stream()
        .collect(Collectors.groupingBy(CallLoad.Call::code, TreeMap::new, Collectors.counting()));
  }

  private static double percentile(List<CallLoad.Call> calls, double p) {
    List<CallLoad.Call> sorted =
        calls.stream().sorted(Comparator.comparingLong(CallLoad.Call::nanos)).toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size()))).millis();
  }
}
