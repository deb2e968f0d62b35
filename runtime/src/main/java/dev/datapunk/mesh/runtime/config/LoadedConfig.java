package dev.datapunk.mesh.runtime.config;

import java.util.List;

/**
 * What {@link ConfigLoader#load} found on the command line: either a help request, or the
 * configuration; in both cases the positional arguments (e.g. a subcommand such as {@code
 * dev-token}).
 */
public final class LoadedConfig {

  private final MeshConfig config;
  private final List<String> arguments;

  private LoadedConfig(MeshConfig config, List<String> arguments) {
    this.config = config;
    this.arguments = List.copyOf(arguments);
  }

  static LoadedConfig of(MeshConfig config, List<String> arguments) {
    return new LoadedConfig(config, arguments);
  }

  static LoadedConfig helpRequested(List<String> arguments) {
    return new LoadedConfig(null, arguments);
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
}
