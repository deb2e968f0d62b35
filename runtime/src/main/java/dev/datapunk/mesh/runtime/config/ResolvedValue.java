package dev.datapunk.mesh.runtime.config;

/**
 * A parsed value with what the summary shows of it.
 *
 * @param value the parsed value, of the type the key's parser returns
 * @param entry key, masked text and source
 */
record ResolvedValue(Object value, ConfigEntry entry) {

  String key() {
    return entry.key();
  }

  ConfigSource source() {
    return entry.source();
  }
}
