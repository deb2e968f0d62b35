package dev.datapunk.mesh.runtime.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A part of a running server that takes the reloadable values of a new configuration.
 *
 * <p>A reload happens in two steps so that it is all or nothing: every target first {@linkplain
 * #prepare prepares} (checks the new values against what it runs and builds everything it will
 * use); only when all have succeeded are the returned swaps run, one after the other, on the
 * watcher's thread. A swap must not fail.
 */
@FunctionalInterface
public interface ReloadTarget {

  /**
   * Checks the reloadable values of {@code next} and returns what installs them.
   *
   * @throws ConfigException naming the key when a value cannot be applied to the running server
   */
  Runnable prepare(MeshConfig next);

  /** Prepares every target in order; the swap runs every target's swap in the same order. */
  static ReloadTarget all(List<ReloadTarget> targets) {
    List<ReloadTarget> copy = List.copyOf(targets);
    return next -> {
      List<Runnable> swaps = new ArrayList<>(copy.size());
      for (ReloadTarget target : copy) {
        swaps.add(target.prepare(next));
      }
      return () -> swaps.forEach(Runnable::run);
    };
  }
}
