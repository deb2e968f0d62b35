package dev.datapunk.mesh.runtime.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One key whose effective value differs between two loads, with both values as a user would write
 * them (secret parts masked).
 *
 * @param key the key, e.g. {@code server.port} or {@code ratelimit.override.pkg.S/M.rps}
 * @param before the value before, empty when the key was not set (a family member absent)
 * @param after the value after, empty when the key is no longer set
 */
public record ConfigChange(String key, Optional<String> before, Optional<String> after) {

  private static final String UNSET = "unset";

  public ConfigChange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
  }

  /** E.g. {@code server.port (50051 -> 50052)}. */
  public String describeInParentheses() {
    return key + " (" + before.orElse(UNSET) + " -> " + after.orElse(UNSET) + ")";
  }

  /** E.g. {@code ratelimit.override.pkg.S/M.rps 5 -> 20}. */
  @Override
  public String toString() {
    return key + " " + before.orElse(UNSET) + " -> " + after.orElse(UNSET);
  }
}
