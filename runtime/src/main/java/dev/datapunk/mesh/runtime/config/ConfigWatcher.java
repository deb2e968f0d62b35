package dev.datapunk.mesh.runtime.config;

import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Watches the configuration file and applies its reloadable values while the server runs.
 *
 * <p>The server's {@link FileWatcher} thread reads the file every interval and compares a SHA-256
 * digest of its content, so a change is seen however it is made: in place, by an atomic rename, or
 * by the symlink swap Kubernetes uses for a mounted ConfigMap (the path is read through its links).
 * Modification times are not trusted (a swap can keep them; a coarse clock can hide a quick second
 * write).
 *
 * <p>On a change the whole configuration is {@linkplain LoadedConfig#reload() loaded again} from
 * the same command line and environment, so later layers still win over the file, and checked as at
 * start. Then:
 *
 * <ul>
 *   <li>invalid (a bad value, a syntax error, an unknown key, an override of an unknown method, a
 *       removed file): nothing changes; the error, naming the key, is logged and {@value
 *       #METER}{@code {result=rejected}} counted;
 *   <li>valid: values of keys that are not reloadable and differ from the ones the server started
 *       with are logged as {@code needs restart: server.port (50051 -> 50052)} and not applied; the
 *       changed reloadable values are applied together through the {@link ReloadTarget} (all
 *       prepared first, then swapped), logged as {@code config reloaded: key before -> after, ...},
 *       and {@value #METER}{@code {result=applied}} is counted.
 * </ul>
 */
public final class ConfigWatcher implements AutoCloseable {

  /** Counter of reloads, tagged {@code result=applied} or {@code result=rejected}. */
  public static final String METER = "mesh.config.reloads";

  private static final Logger log = MeshLoggers.getLogger(ConfigWatcher.class);

  private final LoadedConfig origin;
  private final Path file;
  private final ReloadTarget target;
  private final MeshConfig startConfig;
  private final Counter appliedCounter;
  private final Counter rejectedCounter;
  private volatile AutoCloseable registration;
  private MeshConfig running;
  private byte[] lastDigest;
  private volatile ReloadReport lastReport;

  private ConfigWatcher(LoadedConfig loaded, ReloadTarget target, MeterRegistry registry) {
    this.origin = loaded;
    this.file =
        loaded
            .configFile()
            .orElseThrow(() -> new IllegalArgumentException("no configuration was loaded"));
    this.target = Objects.requireNonNull(target, "target");
    this.startConfig = loaded.config();
    this.running = startConfig;
    this.appliedCounter = counter(registry, ReloadReport.Result.APPLIED);
    this.rejectedCounter = counter(registry, ReloadReport.Result.REJECTED);
    this.lastDigest = digest(file);
  }

  /**
   * Starts watching the file {@code loaded} came from ({@link LoadedConfig#configFile()}) on {@code
   * files}' thread.
   *
   * @param target where reloadable values go
   * @param registry where {@value #METER} is counted
   */
  public static ConfigWatcher start(
      LoadedConfig loaded, ReloadTarget target, MeterRegistry registry, FileWatcher files) {
    ConfigWatcher watcher = new ConfigWatcher(loaded, target, registry);
    watcher.registration = files.watch("configuration file " + watcher.file, watcher::check);
    log.info("Watching {} for configuration changes every {}", watcher.file, files.interval());
    return watcher;
  }

  /** The file watched. */
  public Path file() {
    return file;
  }

  /** The outcome of the latest reload; empty until the file first changes. */
  public Optional<ReloadReport> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  /**
   * How many reloads had {@code result} so far: the value of {@value #METER}{@code {result=...}}.
   */
  public long reloads(ReloadReport.Result result) {
    return (long)
        (result == ReloadReport.Result.APPLIED ? appliedCounter : rejectedCounter).count();
  }

  /** Reads the file now and reloads if its content changed; what the watcher thread runs. */
  public synchronized void check() {
    byte[] digest = digest(file);
    if (Arrays.equals(digest, lastDigest)) {
      return;
    }
    boolean removed = digest == null;
    lastDigest = digest;
    if (removed) {
      reject(
          "configuration file "
              + file
              + " was removed or cannot be read; keeping the running configuration");
      return;
    }
    MeshConfig next;
    try {
      next = origin.reload().config();
    } catch (ConfigException e) {
      reject(e.getMessage());
      return;
    }
    List<ConfigChange> restart = ConfigDiff.between(startConfig, next).needsRestart();
    List<ConfigChange> reloadable = ConfigDiff.between(running, next).reloadable();
    Runnable swap;
    try {
      swap = target.prepare(next);
    } catch (ConfigException e) {
      reject(e.getMessage());
      return;
    }
    swap.run();
    running = next;
    if (!restart.isEmpty()) {
      log.warn(
          "needs restart: {}",
          restart.stream()
              .map(ConfigChange::describeInParentheses)
              .collect(Collectors.joining(", ")));
    }
    if (!reloadable.isEmpty()) {
      log.info(
          "config reloaded: {}",
          reloadable.stream().map(ConfigChange::toString).collect(Collectors.joining(", ")));
    } else {
      log.info("config file {} changed; no reloadable value changed", file);
    }
    // The report first: whoever sees the count move (a test, an operator's script) then reads it.
    lastReport = ReloadReport.applied(reloadable, restart);
    appliedCounter.increment();
  }

  private void reject(String error) {
    log.error("config reload rejected, nothing changed: {}", error);
    lastReport = ReloadReport.rejected(error);
    rejectedCounter.increment();
  }

  /** SHA-256 of the file's content, null when it does not exist or cannot be read. */
  private static byte[] digest(Path file) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      log.warn("Cannot read configuration file {}: {}", file, e.getMessage());
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static Counter counter(MeterRegistry registry, ReloadReport.Result result) {
    return Counter.builder(METER)
        .description("configuration file reloads by result")
        .tag("result", result.tag())
        .register(registry);
  }

  /** Stops watching; idempotent. */
  @Override
  public void close() {
    AutoCloseable current = registration;
    if (current != null) {
      try {
        current.close();
      } catch (Exception e) {
        log.warn("Failed to stop watching {}", file, e);
      }
    }
  }

  @Override
  public String toString() {
    return "ConfigWatcher[" + file + "]";
  }
}
