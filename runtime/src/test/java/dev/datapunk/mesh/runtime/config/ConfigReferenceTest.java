package dev.datapunk.mesh.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration reference, {@code docs/configuration.md}: the checked-in file is what {@link
 * ConfigReference} renders from {@link ConfigKeys}, and what it claims holds.
 *
 * <p>{@code -Dmesh.docs.write=true} rewrites the file instead of comparing it ({@link
 * ConfigReference#WRITE_COMMAND}).
 */
class ConfigReferenceTest {

  private static final Path REFERENCE =
      Path.of(System.getProperty("basedir", ""))
          .toAbsolutePath()
          .getParent()
          .resolve("docs/configuration.md");

  @Test
  void theCheckedInReferenceIsTheRenderedOne() throws IOException {
    String rendered = ConfigReference.render();
    if (Boolean.getBoolean("mesh.docs.write")) {
      Files.writeString(REFERENCE, rendered, StandardCharsets.UTF_8);
      return;
    }
    String checkedIn = Files.exists(REFERENCE) ? Files.readString(REFERENCE) : "";
    if (!checkedIn.equals(rendered)) {
      fail(
          REFERENCE
              + " is not what ConfigKeys renders ("
              + firstDifference(checkedIn, rendered)
              + "). It is generated: rewrite it with\n  "
              + ConfigReference.WRITE_COMMAND
              + "\n");
    }
  }

  @Test
  void everyKeyHasOneRowWithItsVariableDefaultReloadAndDescription() {
    List<List<String>> rows = rows(ConfigReference.render());
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      List<String> row = onlyRow(rows, "`" + key.name() + "`");
      assertEquals("`" + key.environmentVariable() + "`", row.get(1), key.name());
      String expectedDefault =
          key.defaultText()
              .map(text -> text.isEmpty() ? "empty" : "`" + text + "`")
              .orElse(key.defaultLabel());
      assertEquals(expectedDefault, unescape(row.get(2)), key.name());
      assertEquals(key.isReloadable() ? "reloadable" : "restart", row.get(3), key.name());
      assertEquals(key.description(), unescape(row.get(4)), key.name());
    }
  }

  @Test
  void everyKeyFamilyHasOneRowSayingWhichVariableCanSetIt() {
    List<List<String>> rows = rows(ConfigReference.render());
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      List<String> row = onlyRow(rows, "`" + pattern.template() + "`");
      assertEquals(
          pattern
              .environmentTemplate()
              .map(v -> "`" + v + "`")
              .orElse(HelpText.NOT_FROM_ENVIRONMENT),
          row.get(1),
          pattern.template());
      assertEquals(pattern.isReloadable() ? "reloadable" : "restart", row.get(3));
      assertEquals(pattern.description(), unescape(row.get(4)), pattern.template());
    }
    assertEquals(
        ConfigKeys.ALL.size() + ConfigKeys.PATTERNS.size(),
        rows.size(),
        "one row per key and key family, nothing else");
    assertThat(onlyRow(rows, "`metrics.tags.<name>`").get(1))
        .isEqualTo("`MESH_METRICS_TAGS_<NAME>`");
    assertThat(onlyRow(rows, "`ratelimit.redis.prefix`").get(4))
        .contains("\\<prefix\\>{\\<full/Method\\>\\|\\<client\\>}");
  }

  @Test
  void theEnvironmentVariablesTheReferenceNamesSetTheirKeys(@TempDir Path dir) {
    MeshConfig config =
        ConfigLoader.load(
                new String[0],
                Map.of(
                    "MESH_SERVER_PORT",
                    "50052",
                    "MESH_METRICS_TAGS_ZONE",
                    "eu1",
                    "MESH_LOG_LEVELS_TLS",
                    "debug"),
                dir)
            .config();
    assertEquals(50052, config.get(ConfigKeys.SERVER_PORT));
    assertThat(config.entries())
        .extracting(ConfigEntry::toString)
        .contains(
            "metrics.tags.zone=eu1 (environment MESH_METRICS_TAGS_ZONE)",
            "log.levels.tls=debug (environment MESH_LOG_LEVELS_TLS)");
    assertThat(ConfigReference.render())
        .contains("- `MESH_METRICS_TAGS_<NAME>` sets `metrics.tags.<name>`")
        .contains("- `MESH_LOG_LEVELS_<CATEGORY>` sets `log.levels.<category>`")
        .contains(
            "- `ratelimit.override.<full/Method>.rps`, `ratelimit.override.<full/Method>.burst`,"
                + " `limits.adaptive.reserved.<full/Method>` cannot come from the environment")
        .contains(
            "- `MESH_CLIENT_<NAME>_TARGET` sets `client.<name>.target`, the name lower-cased, with"
                + " __ for -.");
  }

  @Test
  void theExampleFileLoads(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("example.yaml"), ConfigReference.EXAMPLE_FILE);
    MeshConfig config =
        ConfigLoader.load(new String[] {"--config=example.yaml"}, Map.of(), dir).config();
    assertEquals(Duration.ofSeconds(5), config.get(ConfigKeys.SERVER_SHUTDOWN_DELAY));
    assertEquals(
        List.of("spiffe://mesh.prod/ns/billing/sa/api", "spiffe://mesh.prod/ns/infra/*"),
        config.get(ConfigKeys.TLS_ALLOWED_IDENTITIES));
    assertEquals(
        List.of(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25)),
        config.get(ConfigKeys.METRICS_SLO));
    assertThat(config.entries())
        .extracting(ConfigEntry::key)
        .contains(
            "ratelimit.override.datapunk.inventory.v1.InventoryService/PutItem.rps",
            "ratelimit.override.datapunk.inventory.v1.InventoryService/PutItem.burst",
            "log.levels.tls",
            "metrics.tags.application");
    assertThat(ConfigReference.render())
        .contains("```yaml\n" + ConfigReference.EXAMPLE_FILE + "```");
  }

  @Test
  void theErrorExampleIsWhatTheLoaderReports(@TempDir Path dir) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    new String[] {ConfigReference.ERROR_EXAMPLE_OPTION},
                    Map.of(
                        ConfigReference.ERROR_EXAMPLE_VARIABLE,
                        ConfigReference.ERROR_EXAMPLE_VALUE),
                    dir));
    assertEquals(ConfigReference.ERROR_EXAMPLE_PROBLEMS, e.problems());
    assertThat(ConfigReference.render())
        .contains(
            "```\nmesh: " + String.join("\n", ConfigReference.ERROR_EXAMPLE_PROBLEMS) + "\n```");
  }

  @Test
  void keysOfOneConcernShareASectionInRegistryOrder() {
    String rendered = ConfigReference.render();
    List<String> sections = rendered.lines().filter(line -> line.startsWith("### ")).toList();
    assertEquals(
        List.of(
            "### Server and transport",
            "### TLS",
            "### Tokens and audit",
            "### Rate limiting",
            "### Adaptive concurrency limit",
            "### Logging",
            "### Metrics",
            "### Health and reflection",
            "### Tracing",
            "### Development",
            "### Application settings",
            "### Calls to other mesh services"),
        sections);
    String limits = section(rendered, "### Adaptive concurrency limit");
    assertThat(limits)
        .contains("`limits.adaptive.public-reserved`")
        .contains("`limits.adaptive.reserved.<full/Method>`")
        .doesNotContain("`ratelimit.");
    assertThat(section(rendered, "### Health and reflection"))
        .contains("`health.enabled`", "`reflection.enabled`");
  }

  /** The cells of every key row of the rendered tables, split at unescaped pipes. */
  private static List<List<String>> rows(String rendered) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : rendered.split("\n", -1)) {
      if (line.startsWith("| `")) {
        String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
        assertEquals(5, cells.length, "a row of five cells: " + line);
        rows.add(Arrays.asList(cells));
      }
    }
    return rows;
  }

  private static List<String> onlyRow(List<List<String>> rows, String firstCell) {
    List<List<String>> matching =
        rows.stream().filter(row -> row.get(0).equals(firstCell)).toList();
    assertEquals(1, matching.size(), "rows for " + firstCell);
    return matching.get(0);
  }

  /** A cell's text with Markdown's backslash escapes removed. */
  private static String unescape(String cell) {
    return cell.replaceAll("\\\\(.)", "$1");
  }

  private static String section(String rendered, String heading) {
    int start = rendered.indexOf(heading + "\n");
    int end = rendered.indexOf("\n### ", start + 1);
    return rendered.substring(start, end < 0 ? rendered.length() : end);
  }

  private static String firstDifference(String checkedIn, String rendered) {
    List<String> old = checkedIn.lines().toList();
    List<String> now = rendered.lines().toList();
    for (int i = 0; i < Math.max(old.size(), now.size()); i++) {
      Optional<String> was = i < old.size() ? Optional.of(old.get(i)) : Optional.empty();
      Optional<String> is = i < now.size() ? Optional.of(now.get(i)) : Optional.empty();
      if (!was.equals(is)) {
        return "first difference at line "
            + (i + 1)
            + ": the file has "
            + was.map(s -> "\"" + s + "\"").orElse("nothing")
            + ", ConfigKeys give "
            + is.map(s -> "\"" + s + "\"").orElse("nothing");
      }
    }
    return checkedIn.isEmpty() ? "the file is missing or empty" : "they differ in line endings";
  }
}
