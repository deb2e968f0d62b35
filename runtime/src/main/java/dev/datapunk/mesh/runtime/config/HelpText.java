package dev.datapunk.mesh.runtime.config;

import java.util.List;

/** Renders the {@code --help} text from the key registry. */
final class HelpText {

  /** How values are written, one sentence each; the configuration reference shows them too. */
  static final List<String> VALUE_SYNTAX =
      List.of(
          "Durations: a whole number with ms, s, m, h or d (30s, 500ms, 2h).",
          "Sizes: bytes, or a whole number with B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB"
              + " (powers of 1000).",
          "Booleans: true or false.",
          "Lists: a YAML list or comma-separated text.");

  /** What the help says of a key family that no environment variable can set. */
  static final String NOT_FROM_ENVIRONMENT = "file or command line only";

  private HelpText() {}

  static String render() {
    StringBuilder help = new StringBuilder();
    help.append("Configuration, later sources winning:\n")
        .append("  1. built-in defaults (below)\n")
        .append("  2. a YAML file: --config=PATH (or --config PATH, or environment ")
        .append(ConfigKeys.CONFIG_FILE_VARIABLE)
        .append("=PATH), which must exist;\n     else ")
        .append(ConfigKeys.DEFAULT_CONFIG_FILE)
        .append(" in the working directory if present. Nested keys join with dots:\n")
        .append("     \"server: {port: 50051}\" is \"server.port: 50051\".\n")
        .append("  3. environment MESH_<KEY>: the key upper-cased, '.' and '-' as '_',")
        .append(" e.g. MESH_SERVER_PORT=50051\n")
        .append("  4. command line --<key>=<value>, e.g. --server.port=50051\n")
        .append("Other options: --help, -h (this text); -- ends options.\n")
        .append(String.join("\n", VALUE_SYNTAX))
        .append("\n\n")
        .append("Keys:\n");
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      help.append("  --")
          .append(key.name())
          .append("  (")
          .append(key.environmentVariable())
          .append(")\n      ")
          .append(key.description())
          .append("; default: ")
          .append(key.defaultLabel())
          .append(key.isReloadable() ? "; reloadable" : "")
          .append('\n');
    }
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      help.append("  --")
          .append(pattern.template())
          .append("  (")
          .append(pattern.environmentTemplate().orElse(NOT_FROM_ENVIRONMENT))
          .append(")\n      ")
          .append(pattern.description())
          .append(pattern.isReloadable() ? "; reloadable" : "")
          .append('\n');
    }
    return help.toString();
  }
}
