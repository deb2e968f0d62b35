package dev.datapunk.mesh.runtime.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the configuration from its layers, a later one winning over an earlier one:
 *
 * <ol>
 *   <li>built-in defaults ({@link ConfigKeys});
 *   <li>a YAML file: the one named by {@code --config=PATH} (or {@code --config PATH}), else by the
 *       {@code MESH_CONFIG} environment variable, which must exist; else {@code mesh.yaml} in the
 *       working directory if it exists;
 *   <li>{@code MESH_*} environment variables: {@code MESH_} + key upper-cased with {@code .} and
 *       {@code -} turned into {@code _}, e.g. {@code MESH_SERVER_PORT}; rate-limit overrides cannot
 *       be set this way (their method names hold a {@code /});
 *   <li>command-line options {@code --key=value}, e.g. {@code --server.port=50051}.
 * </ol>
 *
 * <p>Every value is checked, also one a later layer replaces. Unknown keys (also unknown {@code
 * MESH_*} variables) and invalid values fail the load with a {@link ConfigException} listing every
 * problem, each naming the key and the source of its value.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param args the command line; options are consumed, positional arguments are returned
   * @param environment the environment, {@code System.getenv()} in production
   * @param workingDir where {@code mesh.yaml} is looked for and relative paths are resolved
   *     against, {@code Path.of("")} in production
   * @throws ConfigException if anything is unknown or invalid
   */
  public static LoadedConfig load(String[] args, Map<String, String> environment, Path workingDir) {
    return load(args, environment, workingDir, true);
  }

  /**
   * {@link #load} without looking for {@code mesh.yaml} in the working directory: a configuration
   * file is read only when {@code --config} or {@code MESH_CONFIG} names one. For runs that must
   * not depend on a file that happens to lie in the working directory, such as tests.
   *
   * @throws ConfigException if anything is unknown or invalid
   */
  public static LoadedConfig loadNamedFileOnly(
      String[] args, Map<String, String> environment, Path workingDir) {
    return load(args, environment, workingDir, false);
  }

  private static LoadedConfig load(
      String[] args, Map<String, String> environment, Path workingDir, boolean defaultFile) {
    ConfigProblems problems = new ConfigProblems();
    CommandLine commandLine = CommandLine.parse(args, problems);
    if (commandLine.helpRequested()) {
      return LoadedConfig.helpRequested(commandLine.positional());
    }
    ParseContext context = new ParseContext(workingDir);
    SettingResolver resolver = new SettingResolver(context, problems);
    reportValueless(commandLine, resolver, problems);

    List<RawSetting> layered = new ArrayList<>();
    Optional<ConfigFile> file =
        configFile(commandLine, environment, workingDir, defaultFile, problems);
    file.ifPresent(
        found -> layered.addAll(YamlConfigFile.read(found.path(), found.label(), problems)));
    layered.addAll(EnvironmentLayer.read(environment, problems));
    layered.addAll(commandLine.settings());

    Map<String, ResolvedValue> values = SettingResolver.defaults(context);
    for (RawSetting raw : layered) {
      resolver.resolve(raw).ifPresent(value -> values.put(value.key(), value));
    }
    problems.throwIfAny();
    MeshConfig config = new MeshConfig(values);
    ConsistencyChecks.check(config);
    Path watched =
        file.map(ConfigFile::path)
            .orElseGet(() -> workingDir.resolve(ConfigKeys.DEFAULT_CONFIG_FILE));
    return LoadedConfig.of(
        config,
        commandLine.positional(),
        new LoadedConfig.Origin(List.of(args), environment, workingDir, watched));
  }

  /** The {@code --help} text: the layers, then every key with its default and meaning. */
  public static String helpText() {
    return HelpText.render();
  }

  private record ConfigFile(Path path, String label) {}

  private static Optional<ConfigFile> configFile(
      CommandLine commandLine,
      Map<String, String> environment,
      Path workingDir,
      boolean defaultFile,
      ConfigProblems problems) {
    Optional<String> named = commandLine.configFile();
    ConfigSource source = ConfigSource.commandLine(CommandLine.CONFIG_OPTION);
    if (named.isEmpty() && environment.containsKey(ConfigKeys.CONFIG_FILE_VARIABLE)) {
      named = Optional.of(environment.get(ConfigKeys.CONFIG_FILE_VARIABLE));
      source = ConfigSource.environment(ConfigKeys.CONFIG_FILE_VARIABLE);
    }
    if (named.isEmpty()) {
      if (!defaultFile) {
        return Optional.empty();
      }
      Path standard = workingDir.resolve(ConfigKeys.DEFAULT_CONFIG_FILE);
      return Files.exists(standard)
          ? checked(standard, ConfigKeys.DEFAULT_CONFIG_FILE, "the working directory", problems)
          : Optional.empty();
    }
    String label = named.get();
    if (label.isBlank()) {
      problems.add("configuration file name is empty (from " + source + ")");
      return Optional.empty();
    }
    Path path;
    try {
      path = workingDir.resolve(label);
    } catch (InvalidPathException e) {
      problems.add(
          "configuration file \""
              + label
              + "\" is not a valid path (from "
              + source.describeWithValue(label)
              + ")");
      return Optional.empty();
    }
    if (!Files.exists(path)) {
      problems.add(
          "configuration file \""
              + label
              + "\" does not exist (from "
              + source.describeWithValue(label)
              + ")");
      return Optional.empty();
    }
    return checked(path, label, source.describeWithValue(label), problems);
  }

  private static Optional<ConfigFile> checked(
      Path path, String label, String from, ConfigProblems problems) {
    if (!Files.isRegularFile(path)) {
      problems.add(
          "configuration file \"" + label + "\" is not a regular file (from " + from + ")");
      return Optional.empty();
    }
    return Optional.of(new ConfigFile(path, label));
  }

  private static void reportValueless(
      CommandLine commandLine, SettingResolver resolver, ConfigProblems problems) {
    for (ConfigSource option : commandLine.valuelessOptions()) {
      String key = option.location().substring(2);
      if (SettingResolver.isKnown(key)) {
        problems.add(
            key + ": needs a value: write " + option.location() + "=VALUE (from " + option + ")");
      } else {
        resolver.reportUnknown(key, option);
      }
    }
  }
}
