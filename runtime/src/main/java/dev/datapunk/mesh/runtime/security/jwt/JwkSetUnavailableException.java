package dev.datapunk.mesh.runtime.security.jwt;

/**
 * A {@link JwkSetSource} has no keys to offer. The message says why and never holds key material.
 */
public final class JwkSetUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  public JwkSetUnavailableException(String message) {
    super(message);
  }

  public JwkSetUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
