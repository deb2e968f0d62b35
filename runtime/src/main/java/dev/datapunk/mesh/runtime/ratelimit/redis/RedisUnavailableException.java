package dev.datapunk.mesh.runtime.ratelimit.redis;

/** Redis did not give a decision: not connected, no answer in time, or an error reply. */
final class RedisUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  RedisUnavailableException(String message) {
    super(message);
  }

  RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
