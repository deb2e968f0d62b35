package dev.datapunk.mesh.runtime.health;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Runs the {@link HealthCheck}s on one daemon thread, every interval, and tells {@link
 * ServingStatus} whether all of them pass. Logs each check's transitions, not every round.
 */
public final class HealthCheckScheduler implements AutoCloseable {

  private static final Logger log = MeshLoggers.getLogger(HealthCheckScheduler.class);

  private final List<HealthCheck> checks;
  private final ServingStatus status;
  private final Duration interval;
  private final Object roundLock = new Object();
  private final Map<String, Boolean> lastResults = new HashMap<>();
  private volatile ScheduledExecutorService thread;

  /**
   * Checks {@code checks} every {@code interval} for {@code status}; nothing runs before {@link
   * #start()}.
   */
  public HealthCheckScheduler(List<HealthCheck> checks, ServingStatus status, Duration interval) {
    this.checks = List.copyOf(checks);
    this.status = status;
    this.interval = interval;
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "health.check-interval must be positive (was " + interval + ")");
    }
  }

  /**
   * Runs every check once on the caller's thread, reports the result, then schedules the following
   * rounds. Without checks, reports healthy and schedules nothing.
   */
  public synchronized void start() {
    runRound();
    if (checks.isEmpty() || thread != null) {
      return;
    }
    thread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread t = new Thread(task, "mesh-health-checks");
              t.setDaemon(true);
              return t;
            });
    long nanos = interval.toNanos();
    // runRound catches every check's failure; stopping the executor ends the schedule.
    var unused = thread.scheduleWithFixedDelay(this::runRound, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Runs every check once now and reports the result; true when all pass. */
  public boolean runRound() {
    synchronized (roundLock) {
      boolean allHealthy = true;
      for (HealthCheck check : checks) {
        allHealthy &= runOne(check);
      }
      status.dependenciesHealthy(allHealthy);
      return allHealthy;
    }
  }

  private boolean runOne(HealthCheck check) {
    boolean healthy;
    Exception failure = null;
    try {
      healthy = check.isHealthy();
    } catch (Exception e) {
      healthy = false;
      failure = e;
    }
    Boolean previous = lastResults.put(check.name(), healthy);
    if (previous == null || previous != healthy) {
      if (healthy) {
        log.info("Health check {} passes", check.name());
      } else if (failure != null) {
        log.warn("Health check {} fails: {}", check.name(), failure.toString());
      } else {
        log.warn("Health check {} fails", check.name());
      }
    }
    return healthy;
  }

  /**
   * Stops the scheduler thread (interrupting a running check) without waiting for it; the last
   * reported result stays. Idempotent.
   */
  @Override
  public void close() {
    ScheduledExecutorService running = thread;
    if (running != null) {
      running.shutdownNow();
    }
  }
}
