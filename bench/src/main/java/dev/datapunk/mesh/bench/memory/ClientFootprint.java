package dev.datapunk.mesh.bench.memory;

import static dev.datapunk.mesh.bench.report.MarkdownTable.fixed;
import static dev.datapunk.mesh.bench.report.MarkdownTable.ratio;

import dev.datapunk.mesh.bench.jmh.Limits;
import dev.datapunk.mesh.bench.report.MarkdownTable;
import dev.datapunk.mesh.bench.report.Options;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Heap retained per tracked client: our limiter against Bucket4j buckets kept in a {@link
 * ConcurrentHashMap}, each after one decision for each of N distinct clients, and the same map
 * holding one shared value per key (what the map's own entries cost). Key strings are created
 * before the baseline, so they are not counted. Run it alone in its JVM; the heap is measured after
 * repeated full GCs.
 *
 * <p>Options: {@code --clients=1000000}, {@code --out=FILE}.
 */
public final class ClientFootprint {

  private ClientFootprint() {}

  /** Measures and writes the report. */
  public static void main(String[] args) throws Exception {
    Options options = new Options(args);
    int clients = options.getInt("clients", 1_000_000);
    String[] keys = new String[clients];
    for (int i = 0; i < clients; i++) {
      keys[i] = "sub:client-" + i;
    }
    double mapOnly = bytesPerClient(keys, ClientFootprint::sharedValueMap);
    double mesh = bytesPerClient(keys, ClientFootprint::meshLimiter);
    double bucket4j = bytesPerClient(keys, ClientFootprint::bucket4jMap);
    MarkdownTable table =
        new MarkdownTable(
            "state for " + clients + " clients",
            "bytes per client",
            "minus the map's own entry",
            "vs ours");
    table.row("ConcurrentHashMap, one shared value (the map's entry)", fixed(mapOnly, 1), "-", "-");
    table.row(
        "ours: LocalRateLimiterBackend (GCRA cell)",
        fixed(mesh, 1),
        fixed(mesh - mapOnly, 1),
        ratio(1));
    table.row(
        "Bucket4j LockFreeBucket per key in a ConcurrentHashMap",
        fixed(bucket4j, 1),
        fixed(bucket4j - mapOnly, 1),
        ratio(bucket4j / mesh));
    String report = table.toString();
    System.out.print(report);
    String out = options.get("out", "");
    if (!out.isEmpty()) {
      Files.writeString(Path.of(out), report);
    }
  }

  private static Object sharedValueMap(String[] keys) {
    ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();
    Object shared = new Object();
    for (String key : keys) {
      map.put(key, shared);
    }
    return map;
  }

  private static Object meshLimiter(String[] keys) {
    // A clock that stands still: no bucket refills, so none is idle and none is evicted.
    LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder()
            .clock(() -> 0L)
            .maxClients(keys.length)
            .sweepInterval(Duration.ofHours(1))
            .build();
    MethodRateLimiter limiter = backend.forMethod(Limits.METHOD, Limits.SPEC);
    for (String key : keys) {
      if (limiter.tryAcquire(key) != 0) {
        throw new IllegalStateException("a new client was rejected");
      }
    }
    if (backend.trackedClients() != keys.length) {
      throw new IllegalStateException(
          "tracks " + backend.trackedClients() + " clients, expected " + keys.length);
    }
    return backend;
  }

  private static Object bucket4jMap(String[] keys) {
    ConcurrentHashMap<String, Bucket> map = new ConcurrentHashMap<>();
    for (String key : keys) {
      Bucket bucket = map.computeIfAbsent(key, k -> Limits.bucket4j(TimeMeter.SYSTEM_NANOTIME));
      if (!bucket.tryConsume(1)) {
        throw new IllegalStateException("a new client was rejected");
      }
    }
    return map;
  }

  private static double bytesPerClient(String[] keys, Function<String[], Object> build)
      throws InterruptedException {
    long before = usedHeapAfterGc();
    Object state = build.apply(keys);
    long after;
    try {
      after = usedHeapAfterGc();
    } finally {
      Reference.reachabilityFence(state);
    }
    if (state instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot close " + state, e);
      }
    }
    return (after - before) / (double) keys.length;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
