package dev.datapunk.mesh.runtime.logging;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The thresholds of the mesh's loggers: one for all of them ({@code log.level}) and more specific
 * ones by category or logger-name prefix ({@code log.levels.<category>}). A logger takes the
 * threshold of the longest entry that is its name or a dotted prefix of it, else the root one.
 *
 * @param root the threshold of every mesh logger without a more specific entry
 * @param byLoggerName thresholds by logger name or name prefix (categories already resolved)
 */
public record LogLevels(LogLevel root, Map<String, LogLevel> byLoggerName) {

  /** INFO for every mesh logger: what applies until a configuration is applied. */
  public static final LogLevels DEFAULT = new LogLevels(LogLevel.INFO, Map.of());

  public LogLevels {
    Objects.requireNonNull(root, "root");
    byLoggerName = Map.copyOf(byLoggerName);
  }

  /**
   * Thresholds from the values of {@code log.level} and {@code log.levels.<category>}.
   *
   * @param byCategory by category name ({@code tls}) or logger name ({@code
   *     dev.datapunk.mesh.runtime.server.MeshServer}); a category and its logger name both set: the
   *     category wins
   */
  public static LogLevels of(LogLevel root, Map<String, LogLevel> byCategory) {
    Map<String, LogLevel> byName = new TreeMap<>();
    byCategory.forEach(
        (name, level) -> {
          if (LogCategory.byConfigName(name).isEmpty()) {
            byName.put(name, level);
          }
        });
    byCategory.forEach(
        (name, level) ->
            LogCategory.byConfigName(name)
                .ifPresent(category -> byName.put(category.loggerName(), level)));
    return new LogLevels(root, byName);
  }

  /** The threshold of the logger called {@code loggerName}. */
  public LogLevel thresholdOf(String loggerName) {
    LogLevel best = root;
    int bestLength = -1;
    for (Map.Entry<String, LogLevel> entry : byLoggerName.entrySet()) {
      String prefix = entry.getKey();
      boolean matches =
          loggerName.equals(prefix)
              || (loggerName.startsWith(prefix) && loggerName.charAt(prefix.length()) == '.');
      if (matches && prefix.length() > bestLength) {
        best = entry.getValue();
        bestLength = prefix.length();
      }
    }
    return best;
  }
}
