package dev.datapunk.mesh.runtime.server;

/**
 * The server could not be assembled for a reason the operator can fix: a file that cannot be read,
 * a development key that cannot be created. The message names the key or the file.
 */
public final class StartupException extends Exception {

  private static final long serialVersionUID = 1L;

  StartupException(String message) {
    super(message);
  }

  StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
