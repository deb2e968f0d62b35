package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.bench.redis.RedisLimiter;
import dev.datapunk.mesh.bench.redis.RedisProcess;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * One synchronous rate-limit decision on Redis, decisions per second: our {@code
 * RedisRateLimiterBackend} (one EVALSHA per decision) beside Bucket4j's Lettuce proxy (a GET and a
 * compare-and-swap EVAL per decision), each on ONE Lettuce connection to a real {@code
 * redis-server} that each trial starts on a free loopback port and stops by pid. Identical limits
 * that always admit ({@link Limits}); one key or round-robin over many. Run with {@code -t 1} and
 * {@code -t 4}: the threads share the one connection.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RedisRateLimitBenchmark {

  /** The Redis, the limiter under test and the client keys, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Subject {

    /** Which limiter decides. */
    @Param({"MESH", "BUCKET4J"})
    public RedisLimiter.Kind limiter;

    /** How many distinct clients the decisions go round. */
    @Param({"1", "10000"})
    public int keys;

    RedisProcess redis;
    RedisLimiter decider;
    String[] names;

    /** Starts redis-server, connects the limiter and creates the key strings. */
    @Setup
    public void start() {
      names = new String[keys];
      for (int i = 0; i < keys; i++) {
        names[i] = "sub:client-" + i;
      }
      redis = RedisProcess.start();
      try {
        decider = limiter.open(redis.uri());
      } catch (RuntimeException e) {
        redis.close();
        throw e;
      }
    }

    /**
     * Disconnects (failing the run if our backend ever fell back) and stops redis-server by pid.
     */
    @TearDown
    public void stop() {
      try {
        decider.close();
      } finally {
        redis.close();
      }
    }
  }

  /** Each thread's position in the key ring; threads start spread apart. */
  @State(Scope.Thread)
  public static class Cursor {

    private int next;

    /** Starts this thread at its share of the ring. */
    @Setup
    public void start(ThreadParams thread, Subject subject) {
      next =
          (int) ((long) thread.getThreadIndex() * subject.names.length / thread.getThreadCount());
    }

    String next(Subject subject) {
      String[] names = subject.names;
      int i = next;
      next = i + 1 == names.length ? 0 : i + 1;
      return names[i];
    }
  }

  /** One decision, waiting for Redis; true means admitted. */
  @Benchmark
  public boolean decide(Subject subject, Cursor cursor) {
    return subject.decider.admit(cursor.next(subject));
  }
}
