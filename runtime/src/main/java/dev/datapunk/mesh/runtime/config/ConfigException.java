package dev.datapunk.mesh.runtime.config;

import java.util.List;

/**
 * The configuration is invalid. Each problem names the key and the source of the offending value,
 * e.g. {@code server.port: expected a port number 0-65535, got "abc" (from command line
 * --server.port=abc)}; the message holds every problem found, one per line, and is meant to be
 * printed to the user as it is.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** One problem. */
  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** Several problems, reported together; {@code problems} must not be empty. */
  public ConfigException(List<String> problems) {
    super(String.join("\n", requireNonEmpty(problems)));
    this.problems = List.copyOf(problems);
  }

  /** Each problem on its own, in the order found. */
  public List<String> problems() {
    return problems;
  }

  private static List<String> requireNonEmpty(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    return problems;
  }
}
