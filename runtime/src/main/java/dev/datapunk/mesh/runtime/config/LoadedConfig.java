package dev.datapunk.mesh.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ConfigLoader#load} found on the command line: either a help request, or the
 * configuration; in both cases the positional arguments (e.g. a subcommand such as {@code
 * dev-token}). A loaded configuration remembers where it came from, so it can be {@linkplain
 * #reload() loaded again} the same way when its file changes.
 */
public final class LoadedConfig {

  private final MeshConfig config;
  private final List<String> arguments;
  private final Origin origin;

  /** The inputs of a load: the same inputs load the same layers again. */
  record Origin(List<String> args, Map<String, String> environment, Path workingDir, Path file) {
    Origin {
      args = List.copyOf(args);
      environment = Map.copyOf(environment);
      Objects.requireNonNull(workingDir, "workingDir");
      Objects.requireNonNull(file, "file");
    }
  }

  private LoadedConfig(MeshConfig config, List<String> arguments, Origin origin) {
    this.config = config;
    this.arguments = List.copyOf(arguments);
    this.origin = origin;
  }

  static LoadedConfig of(MeshConfig config, List<String> arguments, Origin origin) {
    return new LoadedConfig(config, arguments, Objects.requireNonNull(origin, "origin"));
  }

  static LoadedConfig helpRequested(List<String> arguments) {
    return new LoadedConfig(null, arguments, null);
  }

  /**
   * Whether {@code --help} or {@code -h} was given. Then nothing was loaded: the caller prints
   * {@link ConfigLoader#helpText()} and exits.
   */
  public boolean helpRequested() {
    return config == null;
  }

  /**
   * The loaded configuration.
   *
   * @throws IllegalStateException if help was requested instead
   */
  public MeshConfig config() {
    if (config == null) {
      throw new IllegalStateException("--help was given; no configuration was loaded");
    }
    return config;
  }

  /** The positional (non-option) arguments, in order; everything after {@code --} included. */
  public List<String> arguments() {
    return arguments;
  }

  /**
   * The configuration file this load read, or, when none was named and {@code mesh.yaml} did not
   * exist, the {@code mesh.yaml} it would have read; empty after a help request.
   */
  public Optional<Path> configFile() {
    return origin == null ? Optional.empty() : Optional.of(origin.file());
  }

  /**
   * Loads again from the same command line, environment and working directory, so the file's values
   * are read anew and later layers still win over them.
   *
   * @throws ConfigException if anything is now unknown or invalid
   * @throws IllegalStateException after a help request
   */
  public LoadedConfig reload() {
    if (origin == null) {
      throw new IllegalStateException("--help was given; nothing to reload");
    }
    return ConfigLoader.load(
        origin.args().toArray(String[]::new), origin.environment(), origin.workingDir());
  }
}
