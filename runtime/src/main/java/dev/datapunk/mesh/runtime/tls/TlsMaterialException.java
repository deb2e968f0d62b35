package dev.datapunk.mesh.runtime.tls;

import java.nio.file.Path;

/**
 * A certificate, key or CA file cannot be used. The message names the file and what is wrong with
 * it, and never contains key material.
 */
public final class TlsMaterialException extends Exception {

  private static final long serialVersionUID = 1L;

  /** The file at fault, as a string (kept as text so the exception stays serializable). */
  private final String file;

  TlsMaterialException(Path file, String problem) {
    this(file, problem, null);
  }

  TlsMaterialException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = String.valueOf(file);
  }

  /** The file at fault. */
  public Path file() {
    return Path.of(file);
  }
}
