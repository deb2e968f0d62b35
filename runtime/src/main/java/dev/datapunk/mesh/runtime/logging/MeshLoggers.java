package dev.datapunk.mesh.runtime.logging;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the mesh's own code gets its loggers: SLF4J loggers of the usual names behind a level gate
 * whose thresholds ({@link LogLevels}) can change while the server runs ({@code log.level}, {@code
 * log.levels.<category>}), with any SLF4J backend and without touching the backend's configuration
 * (no reflection, no backend-specific API).
 *
 * <p>The gate only removes: a line passes when the mesh's threshold allows it <em>and</em> the
 * backend's own level for that logger does. To be able to raise the mesh's loggers to DEBUG at run
 * time, configure the backend to let {@code dev.datapunk.mesh} and {@code datapunk.mesh.audit}
 * through at TRACE (or DEBUG) and let {@code log.level} (default {@code info}) decide.
 *
 * <p>The thresholds are process-wide, like a logging backend's levels: with several servers in one
 * process the latest applied configuration wins.
 */
public final class MeshLoggers {

  private static final Map<String, GatedLogger> LOGGERS = new ConcurrentHashMap<>();
  private static volatile LogLevels levels = LogLevels.DEFAULT;

  private MeshLoggers() {}

  /**
   * The gated logger named after {@code type}, as {@code LoggerFactory.getLogger(type)} names it.
   */
  public static Logger getLogger(Class<?> type) {
    return getLogger(type.getName());
  }

  /** The gated logger called {@code name}; one instance per name. */
  public static Logger getLogger(String name) {
    GatedLogger logger = LOGGERS.get(Objects.requireNonNull(name, "name"));
    if (logger != null) {
      return logger;
    }
    synchronized (MeshLoggers.class) {
      return LOGGERS.computeIfAbsent(
          name, n -> new GatedLogger(LoggerFactory.getLogger(n), levels.thresholdOf(n)));
    }
  }

  /** Gives every mesh logger, existing and future, its threshold from {@code next}. */
  public static synchronized void apply(LogLevels next) {
    levels = Objects.requireNonNull(next, "next");
    for (GatedLogger logger : LOGGERS.values()) {
      logger.threshold(next.thresholdOf(logger.getName()));
    }
  }

  /** The thresholds in force. */
  public static LogLevels levels() {
    return levels;
  }

  /** The threshold in force for the logger called {@code name}. */
  public static LogLevel thresholdOf(String name) {
    return levels.thresholdOf(name);
  }
}
