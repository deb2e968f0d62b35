package dev.datapunk.mesh.bench.report;

import java.util.HashMap;
import java.util.Map;

/** {@code --key=value} arguments of the benchmark mains. */
public final class Options {

  private final Map<String, String> values = new HashMap<>();

  /**
   * Parses {@code args}.
   *
   * @throws IllegalArgumentException naming an argument that is not {@code --key=value}
   */
  public Options(String[] args) {
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException(
            "unexpected argument \"" + arg + "\"; options are --key=value");
      }
      values.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
  }

  /** The value of {@code key}, or {@code fallback}. */
  public String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  /** The integer value of {@code key}, or {@code fallback}. */
  public int getInt(String key, int fallback) {
    String value = values.get(key);
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + key + " must be an integer (was \"" + value + "\")", e);
    }
  }
}
