package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import io.github.bucket4j.Bucket;
import java.util.concurrent.ConcurrentHashMap;
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
 * One rate-limit decision: our local GCRA limiter ({@link MethodRateLimiter#tryAcquire}) beside a
 * Bucket4j local lock-free bucket per client in a {@link ConcurrentHashMap}, identical limits, on
 * one key or round-robin over many keys. Run with {@code -t 1} and {@code -t 2} and {@code -prof
 * gc}. Every decision admits (see {@link AcceleratedClock}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RateLimitBenchmark {

  /** The client keys, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Clients {

    /** How many distinct clients the decisions go round. */
    @Param({"1", "10000"})
    public int keys;

    String[] names;

    /** Creates the key strings once, so no benchmark pays for building them. */
    @Setup
    public void createKeys() {
      names = new String[keys];
      for (int i = 0; i < keys; i++) {
        names[i] = "sub:client-" + i;
      }
    }
  }

  /** Each thread's position in the key ring; threads start spread apart. */
  @State(Scope.Thread)
  public static class Cursor {

    private int next;

    /** Starts this thread at its share of the ring. */
    @Setup
    public void start(ThreadParams thread, Clients clients) {
      next = (int) ((long) thread.getThreadIndex() * clients.names.length / thread.getThreadCount());
    }

    String next(Clients clients) {
      String[] names = clients.names;
      int i = next;
      next = i + 1 == names.length ? 0 : i + 1;
      return names[i];
    }
  }

  /** Our limiter: one method's GCRA buckets. */
  @State(Scope.Benchmark)
  public static class MeshGcra {

    LocalRateLimiterBackend backend;
    MethodRateLimiter limiter;

    /** Starts a backend with the defaults but the accelerated clock. */
    @Setup
    public void start() {
      backend = Limits.meshBackend(new AcceleratedClock(), LocalRateLimiterBackend.DEFAULT_MAX_CLIENTS);
      limiter = backend.forMethod(Limits.METHOD, Limits.SPEC);
    }

    /** Stops the backend's sweeper. */
    @TearDown
    public void stop() {
      backend.close();
    }
  }

  /** Bucket4j: one lock-free bucket per client, created on first use. */
  @State(Scope.Benchmark)
  public static class Bucket4jLocal {

    final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    final AcceleratedClock clock = new AcceleratedClock();

    Bucket bucket(String key) {
      Bucket bucket = buckets.get(key);
      return bucket != null ? bucket : buckets.computeIfAbsent(key, k -> Limits.bucket4j(clock));
    }
  }

  /** Our decision; 0 means admitted. */
  @Benchmark
  public long meshGcra(MeshGcra limiter, Clients clients, Cursor cursor) {
    return limiter.limiter.tryAcquire(cursor.next(clients));
  }

  /** Bucket4j's decision; true means admitted. */
  @Benchmark
  public boolean bucket4j(Bucket4jLocal limiter, Clients clients, Cursor cursor) {
    return limiter.bucket(cursor.next(clients)).tryConsume(1);
  }
}
