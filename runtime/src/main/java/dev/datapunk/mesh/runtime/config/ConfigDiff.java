package dev.datapunk.mesh.runtime.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The effective values that differ between two configurations, split into those that may change
 * while the server runs ({@linkplain ConfigKey#isReloadable() reloadable}) and those that need a
 * restart. Values are compared as their (masked) text, so {@code 1s} and {@code 1000ms} count as a
 * change, which is harmless: applying an equal value changes nothing. Values are compared as parsed
 * values too, so a change hidden by the mask (a secret family, a password in a URI, a header value
 * of {@code tracing.headers}) still counts; it still shows only the mask.
 */
public final class ConfigDiff {

  private final List<ConfigChange> reloadable;
  private final List<ConfigChange> needsRestart;

  private ConfigDiff(List<ConfigChange> reloadable, List<ConfigChange> needsRestart) {
    this.reloadable = List.copyOf(reloadable);
    this.needsRestart = List.copyOf(needsRestart);
  }

  /** What changed from {@code before} to {@code after}, in {@link MeshConfig#entries()} order. */
  public static ConfigDiff between(MeshConfig before, MeshConfig after) {
    Map<String, String> old = texts(Objects.requireNonNull(before, "before"));
    Map<String, String> next = texts(Objects.requireNonNull(after, "after"));
    Map<String, Boolean> keys = new LinkedHashMap<>();
    old.keySet().forEach(key -> keys.put(key, Boolean.TRUE));
    next.keySet().forEach(key -> keys.put(key, Boolean.TRUE));
    List<ConfigChange> reloadable = new ArrayList<>();
    List<ConfigChange> restart = new ArrayList<>();
    for (String key : keys.keySet()) {
      Optional<String> was = Optional.ofNullable(old.get(key));
      Optional<String> is = Optional.ofNullable(next.get(key));
      boolean changed = !was.equals(is) || !Objects.equals(before.value(key), after.value(key));
      if (!changed) {
        continue;
      }
      ConfigChange change = new ConfigChange(key, was, is);
      (isReloadable(key) ? reloadable : restart).add(change);
    }
    return new ConfigDiff(reloadable, restart);
  }

  /** Whether {@code key} (a plain key or a member of a key family) may change at run time. */
  public static boolean isReloadable(String key) {
    Optional<ConfigKey<?>> plain = ConfigKeys.byName(key);
    if (plain.isPresent()) {
      return plain.get().isReloadable();
    }
    return ConfigKeys.PATTERNS.stream()
        .filter(pattern -> pattern.freePartOf(key).isPresent())
        .anyMatch(ConfigKeyPattern::isReloadable);
  }

  /** Changed values of reloadable keys. */
  public List<ConfigChange> reloadable() {
    return reloadable;
  }

  /** Changed values of keys that only take effect after a restart. */
  public List<ConfigChange> needsRestart() {
    return needsRestart;
  }

  /** Whether nothing changed. */
  public boolean isEmpty() {
    return reloadable.isEmpty() && needsRestart.isEmpty();
  }

  private static Map<String, String> texts(MeshConfig config) {
    Map<String, String> texts = new LinkedHashMap<>();
    for (ConfigEntry entry : config.entries()) {
      texts.put(entry.key(), entry.value());
    }
    return texts;
  }
}
