package dev.datapunk.mesh.runtime.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the configuration reference, {@code docs/configuration.md}, from the key registry: how
 * the layers and environment variables work, then every key and key family of {@link ConfigKeys}
 * with its environment variable, default, whether a reload applies it, and its description, in
 * sections by concern. The descriptions and defaults are the ones {@code --help} shows ({@link
 * HelpText}); nothing about a key is written twice. {@code ConfigReferenceTest} keeps the
 * checked-in file equal to this text.
 */
final class ConfigReference {

  /** The command that rewrites {@code docs/configuration.md} from this renderer. */
  static final String WRITE_COMMAND =
      "mvn -B -ntp -pl runtime -am test -Dtest=ConfigReferenceTest -Dmesh.docs.write=true"
          + " -Dsurefire.failIfNoSpecifiedTests=false";

  /** A configuration file that uses each kind of value; the test loads it to prove it valid. */
  static final String EXAMPLE_FILE =
      """
      server:
        port: 50051
        shutdown-delay: 5s
      tls:
        allowed-identities:
          - spiffe://mesh.prod/ns/billing/sa/api
          - spiffe://mesh.prod/ns/infra/*
      ratelimit:
        override:
          "datapunk.inventory.v1.InventoryService/PutItem": {rps: 10, burst: 20}
      log:
        levels:
          tls: debug
      metrics:
        slo: [5ms, 10ms, 25ms]
        tags:
          application: inventory
      """;

  /** The error example's command-line option: a misspelt key. */
  static final String ERROR_EXAMPLE_OPTION = "--server.prot=50051";

  /** The error example's environment variable, set to {@link #ERROR_EXAMPLE_VALUE}. */
  static final String ERROR_EXAMPLE_VARIABLE = "MESH_SERVER_PORT";

  /** A value of {@link #ERROR_EXAMPLE_VARIABLE} that does not parse. */
  static final String ERROR_EXAMPLE_VALUE = "abc";

  /**
   * What the loader reports for the error example, one problem a line; the test checks that the
   * loader still says exactly this.
   */
  static final List<String> ERROR_EXAMPLE_PROBLEMS =
      List.of(
          "server.port: expected a port number 0-65535, got \"abc\" (from environment"
              + " MESH_SERVER_PORT)",
          "unknown configuration key \"server.prot\" (from command line --server.prot); did you"
              + " mean \"server.port\"?");

  /**
   * The sections of the key tables, by the first part of a key's name, with a pointer to where the
   * concern is explained. Sections appear in the order of their first key in {@link
   * ConfigKeys#ALL}.
   */
  private static final Map<String, Section> SECTIONS =
      Map.ofEntries(
          section(
              "server",
              "Server and transport",
              "Executor sizing:"
                  + " [reliability.md](reliability.md); shutdown and health:"
                  + " [observability.md](observability.md#health)."),
          section(
              "tls",
              "TLS",
              "Certificates, the allow list and rotation:" + " [security.md](security.md)."),
          section(
              "auth",
              "Tokens and audit",
              "Token checks, the JWKS URL and the audit log:" + " [security.md](security.md)."),
          section(
              "ratelimit",
              "Rate limiting",
              "The Redis backend, its failure modes and Redis"
                  + " Cluster: [operations.md](operations.md#shared-limits-on-redis)."),
          section(
              "limits",
              "Adaptive concurrency limit",
              "How the limit adapts and what a"
                  + " reserved share guarantees: [architecture.md](architecture.md)."),
          section(
              "log",
              "Logging",
              "How the level gate works with the logging backend:"
                  + " [operations.md](operations.md#log-levels)."),
          section(
              "metrics",
              "Metrics",
              "Meters and the endpoint:" + " [observability.md](observability.md)."),
          section(
              "health",
              "Health and reflection",
              "Health states and dependency checks:" + " [observability.md](observability.md)."),
          section("reflection", "Health and reflection", ""),
          section(
              "tracing",
              "Tracing",
              "The span model, its attributes and where the stage sits:"
                  + " [observability.md](observability.md#tracing)."),
          section(
              "dev",
              "Development",
              "The development PKI and signing key:" + " [security.md](security.md)."),
          section(
              "app",
              "Application settings",
              "Reading them from service code:"
                  + " [operations.md](operations.md#your-own-settings-app)."),
          section(
              "client",
              "Calls to other mesh services",
              "Deadlines, tokens and retries:"
                  + " [client.md](client.md); server identity: [security.md](security.md)."));

  private ConfigReference() {}

  /** The whole reference, Markdown, ending with a newline. */
  static String render() {
    StringBuilder doc = new StringBuilder();
    doc.append("# Configuration reference\n\n")
        .append(
            "<!-- Generated from ConfigKeys by ConfigReference; do not edit by hand. Rewrite it"
                + " with:\n     ")
        .append(WRITE_COMMAND)
        .append(" -->\n\n")
        .append(
            "Every setting of a mesh server is one of the keys below. `--help` prints the same"
                + " keys, defaults and descriptions.\n\n");
    layers(doc);
    environment(doc);
    values(doc);
    checks(doc);
    reload(doc);
    keys(doc);
    return doc.toString();
  }

  private static void layers(StringBuilder doc) {
    doc.append("## Where values come from\n\n")
        .append("Four layers; a later one wins over an earlier one:\n\n")
        .append("1. the built-in defaults (the tables below);\n")
        .append(
            "2. a YAML file: the one named by `--config=PATH` (or `--config PATH`), else by the"
                + " environment variable `")
        .append(ConfigKeys.CONFIG_FILE_VARIABLE)
        .append("=PATH`; a named file must exist. Without either, `")
        .append(ConfigKeys.DEFAULT_CONFIG_FILE)
        .append("` in the working directory is read if it exists;\n")
        .append("3. `MESH_*` environment variables;\n")
        .append("4. command-line options `--key=value`, e.g. `--")
        .append(ConfigKeys.SERVER_PORT.name())
        .append("=50051`.\n\n")
        .append("In the file, nested keys join with dots: `server: {port: 50051}` is `")
        .append(ConfigKeys.SERVER_PORT.name())
        .append(
            "`. A key family's free part that holds dots"
                + " or a `/` (a full method name, a logger name) is one quoted key:\n\n")
        .append("```yaml\n")
        .append(EXAMPLE_FILE)
        .append("```\n\n");
  }

  private static void environment(StringBuilder doc) {
    doc.append("## Environment variables\n\n")
        .append(
            "- A key's variable is `MESH_` and the key upper-cased, with `.` and `-` turned into"
                + " `_`: `")
        .append(ConfigKeys.SERVER_PORT.environmentVariable())
        .append("` sets `")
        .append(ConfigKeys.SERVER_PORT.name())
        .append("`.\n");
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      Optional<String> variable = pattern.environmentTemplate();
      if (variable.isPresent()) {
        doc.append("- `")
            .append(variable.get())
            .append("` sets `")
            .append(pattern.template())
            .append("`, ")
            .append(pattern.environmentRule())
            .append(".\n");
      }
    }
    List<String> fileOnly = new ArrayList<>();
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      if (pattern.environmentTemplate().isEmpty()) {
        fileOnly.add("`" + pattern.template() + "`");
      }
    }
    if (!fileOnly.isEmpty()) {
      doc.append("- ")
          .append(String.join(", ", fileOnly))
          .append(
              " cannot come from the environment (a variable name cannot hold their free"
                  + " part): set them in the file or on the command line.\n");
    }
    doc.append("- `")
        .append(ConfigKeys.CONFIG_FILE_VARIABLE)
        .append(
            "` names the configuration file and is not a key. Any other `MESH_*` variable is"
                + " an error.\n\n");
  }

  private static void values(StringBuilder doc) {
    doc.append("## Values\n\n");
    for (String rule : HelpText.VALUE_SYNTAX) {
      doc.append("- ").append(rule).append('\n');
    }
    doc.append('\n');
  }

  private static void checks(StringBuilder doc) {
    doc.append("## Errors\n\n")
        .append(
            "Every value from every layer is checked, also one a later layer replaces. Unknown keys"
                + " and bad values stop the start with exit status 2; all problems are printed at"
                + " once, one a line, each naming the key and where the value came from, often with"
                + " a suggestion. With `")
        .append(ERROR_EXAMPLE_VARIABLE)
        .append('=')
        .append(ERROR_EXAMPLE_VALUE)
        .append("` in the environment and `")
        .append(ERROR_EXAMPLE_OPTION)
        .append("` on the command line the server prints:\n\n```\nmesh: ")
        .append(String.join("\n", ERROR_EXAMPLE_PROBLEMS))
        .append("\n```\n\n");
  }

  private static void reload(StringBuilder doc) {
    doc.append("## Changing values while the server runs\n\n")
        .append("The configuration file (`")
        .append(ConfigKeys.DEFAULT_CONFIG_FILE)
        .append(
            "` or the `--config` file) is checked every second by a SHA-256 of its content, so"
                + " in-place edits, atomic renames and Kubernetes ConfigMap updates (a symlink"
                + " swap) are all seen. On a change the whole configuration is loaded again as at"
                + " start, the environment and command line still winning over the file, and"
                + " checked as a whole:\n\n")
        .append(
            "- **Invalid** (a bad value, a YAML syntax error, an unknown key, an override of a"
                + " method the server does not have, a removed file): nothing changes; the error,"
                + " naming the key, is logged as `config reload rejected, nothing changed: ...` and"
                + " counted in `mesh.config.reloads{result=\"rejected\"}`.\n")
        .append(
            "- **Valid:** the values of the keys marked *reloadable* below are applied together,"
                + " for calls that start afterwards, logged as `config reloaded: <key> <old> ->"
                + " <new>, ...` and counted in `mesh.config.reloads{result=\"applied\"}`. A changed"
                + " value of a key marked *restart* is logged as `needs restart: <key> (<old> ->"
                + " <new>)` and not applied.\n\n");
  }

  private static void keys(StringBuilder doc) {
    Map<String, Table> tables = new LinkedHashMap<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      table(tables, key.name())
          .rows
          .add(
              row(
                  code(key.name()),
                  code(key.environmentVariable()),
                  key.defaultText()
                      .map(text -> text.isEmpty() ? "empty" : code(text))
                      .orElseGet(() -> text(key.defaultLabel())),
                  key.isReloadable(),
                  key.description()));
    }
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      table(tables, pattern.template())
          .rows
          .add(
              row(
                  code(pattern.template()),
                  pattern
                      .environmentTemplate()
                      .map(ConfigReference::code)
                      .orElse(HelpText.NOT_FROM_ENVIRONMENT),
                  "unset",
                  pattern.isReloadable(),
                  pattern.description()));
    }
    doc.append("## Keys\n");
    for (Map.Entry<String, Table> entry : tables.entrySet()) {
      doc.append("\n### ").append(entry.getKey()).append("\n\n");
      for (String pointer : entry.getValue().pointers) {
        doc.append(pointer).append("\n\n");
      }
      doc.append("| key | environment variable | default | reload | meaning |\n")
          .append("|---|---|---|---|---|\n");
      entry.getValue().rows.forEach(doc::append);
    }
  }

  private static Table table(Map<String, Table> tables, String keyName) {
    String first = keyName.substring(0, keyName.indexOf('.'));
    Section section = SECTIONS.getOrDefault(first, new Section("`" + first + ".*`", ""));
    Table table = tables.computeIfAbsent(section.title(), title -> new Table());
    if (!section.pointer().isEmpty() && !table.pointers.contains(section.pointer())) {
      table.pointers.add(section.pointer());
    }
    return table;
  }

  private static String row(
      String key, String variable, String defaultValue, boolean reloadable, String description) {
    return "| "
        + key
        + " | "
        + variable
        + " | "
        + defaultValue
        + " | "
        + (reloadable ? "reloadable" : "restart")
        + " | "
        + text(description)
        + " |\n";
  }

  /** {@code text} as a code span in a table cell. */
  private static String code(String text) {
    if (text.indexOf('`') >= 0) {
      throw new IllegalArgumentException("a code span cannot hold a backtick: " + text);
    }
    return "`" + text.replace("|", "\\|") + "`";
  }

  /** {@code text} as plain text in a table cell: Markdown's special characters escaped. */
  private static String text(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\|<>*`[]".indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  private static Map.Entry<String, Section> section(String first, String title, String pointer) {
    return Map.entry(first, new Section(title, pointer));
  }

  /** A section of the key tables: its title and where its concern is explained (may be empty). */
  private record Section(String title, String pointer) {}

  /** The rows of one section and its pointers, in order. */
  private static final class Table {
    final List<String> pointers = new ArrayList<>();
    final List<String> rows = new ArrayList<>();
  }
}
