package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.bench.redis.RedisProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under {@link RedisRateLimitBenchmark}: a bare Lettuce PING per call, waited for the way
 * our backend waits for its EVALSHA ({@code async()} then a timed {@code get}), on ONE connection
 * with the same client threads (2 I/O, 2 computation) and the same options (no Lettuce per-command
 * timeout) to a real {@code redis-server} that each trial starts on a free loopback port and stops
 * by pid. No script, no key, no limiter: what is left is the round trip and the two thread
 * hand-offs every Lettuce call pays. Ours divided by this says how far a decision is above the
 * floor.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RedisFloorBenchmark {

  /** The Redis and the one connection, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Link {

    RedisProcess redis;
    ClientResources resources;
    RedisClient client;
    StatefulRedisConnection<String, String> connection;

    /** Starts redis-server and connects. */
    @Setup
    public void start() {
      redis = RedisProcess.start();
      try {
        resources =
            ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        client = RedisClient.create(resources, RedisURI.create(redis.uri()));
        client.setOptions(
            ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .build());
        connection = client.connect(StringCodec.UTF8);
      } catch (RuntimeException e) {
        stop();
        throw e;
      }
    }

    /** Disconnects and stops redis-server by pid. */
    @TearDown
    public void stop() {
      try {
        if (connection != null) {
          connection.close();
        }
        if (client != null) {
          client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (resources != null) {
          var unused =
              resources.shutdown(0, 2, TimeUnit.SECONDS); // its threads stop in the background
        }
      } finally {
        redis.close();
      }
    }
  }

  /** One PING, waiting for Redis (at most 2 s, like the Redis benchmark's decisions). */
  @Benchmark
  public String ping(Link link) throws InterruptedException, ExecutionException, TimeoutException {
    String reply = link.connection.async().ping().get(2, TimeUnit.SECONDS);
    if (!"PONG".equals(reply)) {
      throw new IllegalStateException("Redis answered " + reply + " to PING");
    }
    return reply;
  }
}
