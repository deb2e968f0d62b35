package dev.datapunk.mesh.runtime.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one reload of the configuration file.
 *
 * @param result whether the new values were applied or the file was rejected
 * @param applied the reloadable values now in force (empty when rejected or none changed)
 * @param needsRestart values that differ from what the server was started with but only take effect
 *     after a restart (not applied)
 * @param error why the file was rejected, naming the key; empty when applied
 */
public record ReloadReport(
    Result result,
    List<ConfigChange> applied,
    List<ConfigChange> needsRestart,
    Optional<String> error) {

  /** Whether a reload took effect; also the {@code result} tag of {@code mesh.config.reloads}. */
  public enum Result {
    /** The file was valid; its reloadable values (if any changed) are in force. */
    APPLIED,
    /** The file was invalid or could not be applied; nothing changed. */
    REJECTED;

    /** The tag value, e.g. {@code applied}. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ReloadReport {
    Objects.requireNonNull(result, "result");
    applied = List.copyOf(applied);
    needsRestart = List.copyOf(needsRestart);
    Objects.requireNonNull(error, "error");
  }

  static ReloadReport rejected(String error) {
    return new ReloadReport(Result.REJECTED, List.of(), List.of(), Optional.of(error));
  }

  static ReloadReport applied(List<ConfigChange> applied, List<ConfigChange> needsRestart) {
    return new ReloadReport(Result.APPLIED, applied, needsRestart, Optional.empty());
  }
}
