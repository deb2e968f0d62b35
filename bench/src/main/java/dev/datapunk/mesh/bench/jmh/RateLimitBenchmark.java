package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import io.github.bucket4j.Bucket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * one key or over many keys, taken in turn or at random, and the floor of any such limiter ({@link
 * Floor}). Run with {@code -t 1} and {@code -t 2} and {@code -prof gc}. Every decision admits (see
 * {@link AcceleratedClock}).
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

    /**
     * The order each thread takes the keys in: {@code ring} (every thread goes round all keys in
     * turn, so every decision finds the bucket last written by another thread) or {@code random}
     * (each thread draws keys independently, as calls of many clients spread over a server's
     * threads).
     */
    @Param({"ring", "random"})
    public String order;

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

  /**
   * Each thread's next key: its place in the ring (threads start spread apart) or its own random
   * draw.
   */
  @State(Scope.Thread)
  public static class Cursor {

    private int next;
    private boolean random;
    private long seed;

    /** Starts this thread at its share of the ring, or seeds its own random sequence. */
    @Setup
    public void start(ThreadParams thread, Clients clients) {
      next =
          (int) ((long) thread.getThreadIndex() * clients.names.length / thread.getThreadCount());
      random = clients.order.equals("random");
      seed = 0x9E3779B97F4A7C15L * (thread.getThreadIndex() + 1);
    }

    String next(Clients clients) {
      int keys = clients.names.length;
      if (random) {
        long x = seed; // xorshift64: a few cycles, no shared state
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        seed = x;
        return clients.names[(int) (((x >>> 32) * keys) >>> 32)];
      }
      int i = next;
      next = i + 1 == keys ? 0 : i + 1;
      return clients.names[i];
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
      backend =
          Limits.meshBackend(new AcceleratedClock(), LocalRateLimiterBackend.DEFAULT_MAX_CLIENTS);
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

  /**
   * The floor of an exact per-client limiter kept in a hash map: look the client up, read the
   * clock, one compare-and-set of a long of its own ({@code max(state, now) + 1}, the shape of a
   * GCRA charge). No rule, no eviction, no cap, no retry for a frozen cell: what is left of ours
   * when everything that makes it a limiter is taken out. Every client's word exists before the
   * run.
   */
  @State(Scope.Benchmark)
  public static class Floor {

    final ConcurrentHashMap<String, AtomicLong> words = new ConcurrentHashMap<>();
    final AcceleratedClock clock = new AcceleratedClock();

    /** One word per client. */
    @Setup
    public void create(Clients clients) {
      for (String name : clients.names) {
        words.put(name, new AtomicLong());
      }
    }
  }

  /** The floor: the client's word, the clock, one compare-and-set. */
  @Benchmark
  public long floor(Floor floor, Clients clients, Cursor cursor) {
    AtomicLong word = floor.words.get(cursor.next(clients));
    long now = floor.clock.nanoTime();
    while (true) {
      long state = word.get();
      long charged = Math.max(state, now) + 1;
      if (word.compareAndSet(state, charged)) {
        return charged;
      }
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
