package dev.datapunk.mesh.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads {@code MESH_*} environment variables: {@code MESH_SERVER_PORT} sets {@code server.port},
 * {@code MESH_METRICS_TAGS_<NAME>} sets {@code metrics.tags.<name>}, {@code MESH_APP_DB_URL} sets
 * {@code app.db.url} (see {@link ConfigKeys#APP}). {@code MESH_CONFIG} names the configuration file
 * and is not a key. Any other {@code MESH_*} variable is an error, and so is one for a key family
 * that cannot be set from the environment (rate-limit overrides, whose method names hold a {@code
 * /}).
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
      Optional<String> familyKey = pattern.keyOfVariable(variable);
      if (familyKey.isPresent()) {
        return familyKey;
      }
    }
    List<ConfigKeyPattern<?>> families =
        ConfigKeys.PATTERNS.stream()
            .filter(pattern -> variable.startsWith(pattern.variablePrefix()))
            .toList();
    if (!families.isEmpty()) {
      problems.add(familyProblem(variable, families));
      return Optional.empty();
    }
    List<String> known = ConfigKeys.ALL.stream().map(ConfigKey::environmentVariable).toList();
    String hint =
        KeySuggestions.closest(variable, known)
            .map(
                s ->
                    "; did you mean " + s + " (" + ConfigKeys.byEnvironmentVariable(s).get() + ")?")
            .orElse("; MESH_* variables are reserved for configuration keys (see --help)");
    problems.add("unknown configuration variable " + variable + " (from environment)" + hint);
    return Optional.empty();
  }

  /**
   * Why {@code variable}, which starts like the variables of {@code families}, sets none of their
   * keys: the families cannot be set from the environment, or it has none of their endings.
   */
  private static String familyProblem(String variable, List<ConfigKeyPattern<?>> families) {
    List<String> templates =
        families.stream().flatMap(pattern -> pattern.environmentTemplate().stream()).toList();
    if (templates.isEmpty()) {
      String template = families.get(0).template();
      return "environment variable "
          + variable
          + " cannot set "
          + template
          + ": environment variable names cannot hold it; use the configuration file or --"
          + template
          + "=VALUE";
    }
    return "unknown configuration variable "
        + variable
        + " (from environment); variables of this family are "
        + String.join(", ", templates);
  }
}
