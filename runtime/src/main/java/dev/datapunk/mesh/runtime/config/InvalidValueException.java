package dev.datapunk.mesh.runtime.config;

import java.util.Optional;

/**
 * A {@link ValueParser} rejected a value. It says what was expected and which text was wrong but
 * not which key or source: the loader adds those, e.g. {@code server.port: expected a port number
 * 0-65535, got "abc" (from ...)}.
 */
public final class InvalidValueException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String offendingText;

  /**
   * @param expected what a valid value looks like, without a leading "expected", e.g. {@code "a
   *     port number 0-65535"}
   * @param offendingText the text that was rejected (a whole value or one list item), or {@code
   *     null} when no single text is at fault
   */
  public InvalidValueException(String expected, String offendingText) {
    super("expected " + expected, null, false, false);
    this.expected = expected;
    this.offendingText = offendingText;
  }

  /** What a valid value looks like, e.g. {@code "a port number 0-65535"}. */
  public String expected() {
    return expected;
  }

  /** The rejected text, if one text is at fault. */
  public Optional<String> offendingText() {
    return Optional.ofNullable(offendingText);
  }
}
