package dev.datapunk.mesh.runtime.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Splits command-line arguments into configuration options ({@code --key=value}), the configuration
 * file ({@code --config=PATH} or {@code --config PATH}), a help request ({@code --help}, {@code
 * -h}) and positional arguments (everything else, and everything after {@code --}).
 */
final class CommandLine {

  static final String CONFIG_OPTION = "--config";

  private final List<RawSetting> settings = new ArrayList<>();
  private final List<ConfigSource> valueless = new ArrayList<>();
  private final List<String> positional = new ArrayList<>();
  private final Set<String> givenKeys = new HashSet<>();
  private final ConfigProblems problems;
  private String configFile;
  private boolean helpRequested;

  private CommandLine(ConfigProblems problems) {
    this.problems = problems;
  }

  static CommandLine parse(String[] args, ConfigProblems problems) {
    CommandLine commandLine = new CommandLine(problems);
    commandLine.parseAll(args);
    return commandLine;
  }

  /** The {@code --key=value} options, in order. */
  List<RawSetting> settings() {
    return List.copyOf(settings);
  }

  /** Options written without {@code =value}, e.g. {@code --server.port}. */
  List<ConfigSource> valuelessOptions() {
    return List.copyOf(valueless);
  }

  /** Arguments that are not options, in order. */
  List<String> positional() {
    return List.copyOf(positional);
  }

  /** The file named by {@code --config}, as written. */
  Optional<String> configFile() {
    return Optional.ofNullable(configFile);
  }

  boolean helpRequested() {
    return helpRequested;
  }

  private void parseAll(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        positional.addAll(List.of(args).subList(i + 1, args.length));
        return;
      } else if (arg.equals("--help") || arg.equals("-h")) {
        helpRequested = true;
      } else if (arg.equals(CONFIG_OPTION)) {
        boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("-");
        setConfigFile(hasValue ? args[++i] : null);
      } else if (arg.startsWith(CONFIG_OPTION + "=")) {
        setConfigFile(arg.substring(CONFIG_OPTION.length() + 1));
      } else if (arg.startsWith("--")) {
        option(arg);
      } else if (arg.startsWith("-") && arg.length() > 1) {
        problems.add(
            "unknown option \""
                + arg
                + "\" (from command line); options are written"
                + " --key=value (see --help)");
      } else {
        positional.add(arg);
      }
    }
  }

  private void setConfigFile(String path) {
    if (path == null || path.isEmpty()) {
      problems.add("--config needs a file path: --config=PATH (from command line)");
    } else if (configFile != null) {
      problems.add("--config is given more than once (from command line)");
    } else {
      configFile = path;
    }
  }

  private void option(String arg) {
    int equals = arg.indexOf('=');
    String key = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
    if (key.isEmpty()) {
      problems.add("malformed option \"" + arg + "\" (from command line); write --key=value");
      return;
    }
    ConfigSource source = ConfigSource.commandLine("--" + key);
    if (equals < 0) {
      valueless.add(source);
    } else if (!givenKeys.add(key)) {
      problems.add(key + ": given more than once (from command line --" + key + ")");
    } else {
      settings.add(RawSetting.text(key, arg.substring(equals + 1), source));
    }
  }
}
