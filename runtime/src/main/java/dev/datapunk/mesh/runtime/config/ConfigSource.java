package dev.datapunk.mesh.runtime.config;

import java.util.Objects;

/**
 * Where a configuration value came from, for error messages and the start-up summary.
 *
 * @param kind the layer
 * @param location within the layer: {@code "mesh.yaml line 3"}, {@code "MESH_SERVER_PORT"}, {@code
 *     "--server.port"}; empty for defaults
 */
public record ConfigSource(Kind kind, String location) {

  /** The configuration layers, lowest precedence first. */
  public enum Kind {
    DEFAULT,
    FILE,
    ENVIRONMENT,
    COMMAND_LINE
  }

  private static final ConfigSource DEFAULT = new ConfigSource(Kind.DEFAULT, "");

  public ConfigSource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(location, "location");
  }

  /** The built-in default. */
  public static ConfigSource defaultValue() {
    return DEFAULT;
  }

  /** A line of a configuration file, {@code fileLabel} being the file name as the user gave it. */
  public static ConfigSource file(String fileLabel, int line) {
    return new ConfigSource(Kind.FILE, fileLabel + " line " + line);
  }

  /** An environment variable. */
  public static ConfigSource environment(String variable) {
    return new ConfigSource(Kind.ENVIRONMENT, variable);
  }

  /** A command-line option, given as written up to the {@code =}, e.g. {@code --server.port}. */
  public static ConfigSource commandLine(String option) {
    return new ConfigSource(Kind.COMMAND_LINE, option);
  }

  /**
   * The source with the value as the user wrote it where that helps find it: {@code command line
   * --server.port=abc}. {@code shownValue} must already be masked if the key is sensitive.
   */
  String describeWithValue(String shownValue) {
    return kind == Kind.COMMAND_LINE ? this + "=" + shownValue : toString();
  }

  /** E.g. {@code default}, {@code mesh.yaml line 3}, {@code environment MESH_SERVER_PORT}. */
  @Override
  public String toString() {
    return switch (kind) {
      case DEFAULT -> "default";
      case FILE -> location;
      case ENVIRONMENT -> "environment " + location;
      case COMMAND_LINE -> "command line " + location;
    };
  }
}
