package dev.datapunk.mesh.runtime.files;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The one thread that checks a server's watched files: the configuration file ({@link
 * ConfigWatcher}), the certificate files and the JWKS file. Each owner registers a check (which
 * reads its files, compares them with what it uses and applies a valid change); every interval the
 * thread runs every registered check in turn.
 *
 * <p>A check that throws is logged and stays registered, so one broken check never stops the others
 * or later runs. Checks run one at a time, so a slow one delays the rest: keep them to reading
 * small local files.
 */
public final class FileWatcher implements AutoCloseable {

  /** The thread's name. */
  public static final String THREAD_NAME = "mesh-file-watch";

  /** How often the files are checked unless configured otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  private static final Logger log = MeshLoggers.getLogger(FileWatcher.class);

  private final Duration interval;
  private final List<Check> checks = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService executor;

  private record Check(String description, Runnable action) {}

  private FileWatcher(Duration interval) {
    this.interval = interval;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, THREAD_NAME);
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts the thread; it runs the registered checks every {@code interval}.
   *
   * @throws IllegalArgumentException unless {@code interval} is positive
   */
  public static FileWatcher start(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "file check interval must be positive (was " + interval + ")");
    }
    FileWatcher watcher = new FileWatcher(interval);
    long period = interval.toNanos();
    // runChecks catches every failure; close() ends the schedule by stopping the executor.
    var unused =
        watcher.executor.scheduleWithFixedDelay(
            watcher::runChecks, period, period, TimeUnit.NANOSECONDS);
    return watcher;
  }

  /** How often the checks run. */
  public Duration interval() {
    return interval;
  }

  /**
   * Runs {@code check} every interval from now on, until the returned registration is closed.
   *
   * @param description what is checked, for the log when the check throws, e.g. {@code "JWKS file
   *     /etc/mesh/jwks.json"}
   */
  public AutoCloseable watch(String description, Runnable check) {
    Check registered =
        new Check(
            Objects.requireNonNull(description, "description"),
            Objects.requireNonNull(check, "check"));
    checks.add(registered);
    return () -> checks.remove(registered);
  }

  private void runChecks() {
    for (Check check : checks) {
      try {
        check.action().run();
      } catch (RuntimeException e) {
        // An exception escaping would cancel the schedule for every check.
        log.error(
            "Checking {} failed unexpectedly; will check again in {}",
            check.description(),
            interval,
            e);
      }
    }
  }

  /** Stops the thread; idempotent. A check running at that moment is interrupted. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FileWatcher[" + checks.size() + " checks every " + interval + "]";
  }
}
