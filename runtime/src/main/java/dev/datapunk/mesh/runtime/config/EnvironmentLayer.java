package dev.datapunk.mesh.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads {@code MESH_*} environment variables: {@code MESH_SERVER_PORT} sets {@code server.port},
 * {@code MESH_METRICS_TAGS_<NAME>} sets {@code metrics.tags.<name>}, {@code MESH_APP_DB_URL} sets
 * {@code app.db.url} (see {@link ConfigKeys#APP}). {@code MESH_CONFIG} names the
 * configuration file and is not a key. Any other {@code MESH_*} variable is an error, and so is
 * one for a key family that cannot be set from the environment (rate-limit overrides, whose method
 * names hold a {@code /}).
 */
final class EnvironmentLayer {

  private static final String PREFIX = "MESH_";

  private EnvironmentLayer() {}

  static List<RawSetting> read(Map<String, String> environment, ConfigProblems problems) {
    List<RawSetting> settings = new ArrayList<>();
    for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith(PREFIX) || name.equals(ConfigKeys.CONFIG_FILE_VARIABLE)) {
        continue;
      }
      ConfigSource source = ConfigSource.environment(name);
      keyFor(name, problems)
          .ifPresent(key -> settings.add(RawSetting.text(key, variable.getValue(), source)));
    }
    return List.copyOf(settings);
  }

  private static Optional<String> keyFor(String variable, ConfigProblems problems) {
    Optional<ConfigKey<?>> key = ConfigKeys.byEnvironmentVariable(variable);
    if (key.isPresent()) {
      return Optional.of(key.get().name());
    }
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      Optional<String> envPrefix = pattern.environmentPrefix();
      if (envPrefix.isPresent()
          && variable.startsWith(envPrefix.get())
          && variable.length() > envPrefix.get().length()) {
        String freePart = pattern.freePartOfVariable(variable.substring(envPrefix.get().length()));
        return Optional.of(pattern.prefix() + freePart);
      }
      String familyVariablePrefix = familyVariablePrefix(pattern);
      if (envPrefix.isEmpty() && variable.startsWith(familyVariablePrefix)) {
        problems.add(
            "environment variable " + variable + " cannot set " + pattern.template()
                + ": environment variable names cannot hold it; use the configuration file or --"
                + pattern.template() + "=VALUE");
        return Optional.empty();
      }
    }
    List<String> known = ConfigKeys.ALL.stream().map(ConfigKey::environmentVariable).toList();
    String hint =
        KeySuggestions.closest(variable, known)
            .map(s -> "; did you mean " + s + " (" + ConfigKeys.byEnvironmentVariable(s).get() + ")?")
            .orElse("; MESH_* variables are reserved for configuration keys (see --help)");
    problems.add("unknown configuration variable " + variable + " (from environment)" + hint);
    return Optional.empty();
  }

  private static String familyVariablePrefix(ConfigKeyPattern<?> pattern) {
    String prefix = pattern.prefix();
    return ConfigKey.environmentVariable(prefix.substring(0, prefix.length() - 1)) + "_";
  }
}
