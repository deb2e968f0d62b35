package dev.datapunk.mesh.runtime.config;

import java.util.Objects;

/**
 * One effective configuration value, for the start-up summary.
 *
 * @param key the key, e.g. {@code server.port} or {@code metrics.tags.region}
 * @param value the value as written by the user or the default, with secret parts masked
 * @param source where the value came from
 */
public record ConfigEntry(String key, String value, ConfigSource source) {

  public ConfigEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
  }

  /** E.g. {@code server.port=50051 (command line --server.port)}. */
  @Override
  public String toString() {
    return key + "=" + value + " (" + source + ")";
  }
}
