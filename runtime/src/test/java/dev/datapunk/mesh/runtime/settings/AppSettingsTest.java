package dev.datapunk.mesh.runtime.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datapunk.mesh.runtime.config.ConfigChange;
import dev.datapunk.mesh.runtime.config.ConfigDiff;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code app.*} keys from the real configuration layers ({@code mesh.yaml} in a temporary working
 * directory, an environment map, command-line options) and their typed reads.
 */
class AppSettingsTest {

  private static final String YAML =
      """
      server:
        port: 0
      app:
        greeting: from-file
        db:
          url: jdbc:file
          pool-size: 5
      """;

  @TempDir Path dir;

  private MeshConfig load(Map<String, String> env, String... args) {
    return ConfigLoader.load(args, env, dir).config();
  }

  private AppSettings settings(Map<String, String> env, String... args) {
    return AppSettings.of(load(env, args));
  }

  private void writeYaml(String yaml) throws Exception {
    Files.writeString(dir.resolve("mesh.yaml"), yaml);
  }

  @Test
  void laterLayersWinOverTheFile() throws Exception {
    writeYaml(YAML);

    AppSettings file = settings(Map.of());
    assertThat(file.getString("app.greeting")).hasValue("from-file");
    assertThat(file.getString("app.db.url")).hasValue("jdbc:file");
    assertThat(file.getInt("app.db.pool-size", 1)).isEqualTo(5);
    assertThat(file.keys()).containsExactly("app.db.pool-size", "app.db.url", "app.greeting");

    AppSettings env =
        settings(Map.of("MESH_APP_GREETING", "from-env", "MESH_APP_DB_POOL__SIZE", "7"));
    assertThat(env.getString("app.greeting")).hasValue("from-env");
    assertThat(env.getInt("app.db.pool-size")).hasValue(7);
    assertThat(env.getString("app.db.url")).hasValue("jdbc:file");

    AppSettings flag =
        settings(
            Map.of("MESH_APP_GREETING", "from-env"), "--app.greeting=from-flag", "--app.extra=x");
    assertThat(flag.getString("app.greeting")).hasValue("from-flag");
    assertThat(flag.getString("app.extra")).hasValue("x");
  }

  @Test
  void environmentNamesReadUnderscoreAsDotAndTwoAsDash() {
    AppSettings settings =
        settings(
            Map.of(
                "MESH_APP_DB_URL", "jdbc:env",
                "MESH_APP_FEATURE__FLAGS_NEW__UI", "true",
                "MESH_APP_GREETING", "hi"));
    assertThat(settings.keys())
        .containsExactly("app.db.url", "app.feature-flags.new-ui", "app.greeting");
    assertThat(settings.getBoolean("app.feature-flags.new-ui", false)).isTrue();
  }

  @Test
  void malformedNamesAreRejectedNamingTheKey() throws Exception {
    String expected =
        "dot-separated words of lower-case letters, digits and - (e.g. app.db.pool-size)";
    assertThatThrownBy(() -> load(Map.of(), "--app.Greeting=x"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "app.Greeting: expected app.<name> with "
                + expected
                + ", got \"Greeting\""
                + " (from command line --app.Greeting)");
    assertThatThrownBy(() -> load(Map.of("MESH_APP__DB", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "app..db: expected app.<name> with "
                + expected
                + ", got \".db\""
                + " (from environment MESH_APP__DB)");
    writeYaml("app:\n  db_url: secret-value\n");
    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("app.db_url: expected app.<name>")
        .hasMessageEndingWith("(from mesh.yaml line 2)")
        .hasMessageNotContaining("secret-value");
  }

  @Test
  void keysOutsideAppAreStillUnknown() throws Exception {
    assertThatThrownBy(() -> load(Map.of(), "--apps.greeting=x"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "unknown configuration key \"apps.greeting\" (from command line --apps.greeting)");
    assertThatThrownBy(() -> load(Map.of(), "--app=x"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown configuration key \"app\" (from command line --app)");
    assertThatThrownBy(() -> load(Map.of("MESH_APPLICATION", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "unknown configuration variable MESH_APPLICATION (from environment)");
    writeYaml("application:\n  name: x\n");
    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "unknown configuration key \"application.name\" (from mesh.yaml line 2)");
  }

  @Test
  void typedReadsWithDefaultsAndOptionalForms() {
    AppSettings settings =
        settings(
            Map.of(),
            "--app.retries=3",
            "--app.big=9000000000",
            "--app.enabled=TRUE",
            "--app.timeout=1500ms",
            "--app.buffer=4MiB",
            "--app.name=");
    assertThat(settings.getInt("app.retries")).hasValue(3);
    assertThat(settings.getLong("app.big")).hasValue(9_000_000_000L);
    assertThat(settings.getBoolean("app.enabled")).hasValue(true);
    assertThat(settings.getDuration("app.timeout")).hasValue(Duration.ofMillis(1500));
    assertThat(settings.getSize("app.buffer")).hasValue(4L * 1024 * 1024);
    assertThat(settings.getString("app.name")).hasValue("");

    assertThat(settings.getInt("app.missing")).isEmpty();
    assertThat(settings.getInt("app.missing", 7)).isEqualTo(7);
    assertThat(settings.getLong("app.missing", 8L)).isEqualTo(8L);
    assertThat(settings.getBoolean("app.missing", true)).isTrue();
    assertThat(settings.getDuration("app.missing", Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.getSize("app.missing", 10L)).isEqualTo(10L);
    assertThat(settings.getString("app.missing", "dflt")).isEqualTo("dflt");
  }

  @Test
  void aBadValueFailsTheReadNamingKeyAndSourceButNeverTheLoad() throws Exception {
    writeYaml("server:\n  port: 0\napp:\n  timeout: soon\n");
    AppSettings settings =
        settings(
            Map.of("MESH_APP_POOL__SIZE", "lots"), "--app.enabled=maybe", "--app.big=9000000000");

    assertThatThrownBy(() -> settings.getInt("app.pool-size"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "app.pool-size: expected an integer from -2147483648 to 2147483647"
                + " (from environment MESH_APP_POOL__SIZE)");
    assertThatThrownBy(() -> settings.getInt("app.big", 1))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "app.big: expected an integer from -2147483648 to 2147483647 (from command line"
                + " --app.big)");
    assertThatThrownBy(() -> settings.getDuration("app.timeout"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("app.timeout: expected a duration with a unit ms, s, m, h or d")
        .hasMessageEndingWith("(from mesh.yaml line 4)")
        .hasMessageNotContaining("soon");
    assertThatThrownBy(() -> settings.getBoolean("app.enabled", false))
        .isInstanceOf(ConfigException.class)
        .hasMessage("app.enabled: expected true or false (from command line --app.enabled)");
    // The text is still there for code that reads it as text.
    assertThat(settings.getString("app.pool-size")).hasValue("lots");
  }

  @Test
  void readsNeedTheFullKey() {
    AppSettings settings = settings(Map.of(), "--app.greeting=hi");
    assertThatThrownBy(() -> settings.getString("greeting"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "app settings are read by their full key, e.g. \"app.greeting\"; got \"greeting\"");
  }

  @Test
  void valuesAreNeverShownInSummariesOrChanges() {
    MeshConfig before = load(Map.of(), "--app.db.password=hunter2", "--app.same=1");
    MeshConfig after =
        load(Map.of(), "--app.db.password=correct-horse", "--app.same=1", "--app.added=x");

    assertThat(before.describe())
        .contains("app.db.password=**** (command line --app.db.password)")
        .doesNotContain("hunter2");
    assertThat(AppSettings.of(before).toString())
        .isEqualTo("AppSettings[app.db.password, app.same]");
    assertThat(ConfigDiff.between(before, after).reloadable())
        .extracting(ConfigChange::toString)
        .containsExactly("app.db.password **** -> ****", "app.added unset -> ****");
    assertThat(ConfigDiff.between(before, after).needsRestart()).isEmpty();
  }

  @Test
  void listenersHearWhichKeysChangedAfterTheSwap() {
    AppSettings settings =
        AppSettings.of(load(Map.of(), "--app.greeting=hi", "--app.gone=x", "--app.same=1"));
    List<Set<String>> told = new ArrayList<>();
    List<Optional<String>> seenByListener = new ArrayList<>();
    settings.onChange(
        keys -> {
          throw new IllegalStateException("a broken listener");
        });
    AppSettings.Subscription subscription =
        settings.onChange(
            keys -> {
              told.add(keys);
              seenByListener.add(settings.getString("app.greeting"));
            });

    Runnable swap =
        settings
            .reloadTarget()
            .prepare(load(Map.of(), "--app.greeting=hello", "--app.same=1", "--app.new=y"));
    assertThat(settings.getString("app.greeting")).as("prepared, not swapped yet").hasValue("hi");
    swap.run();
    assertThat(settings.getString("app.greeting")).hasValue("hello");
    assertThat(told).containsExactly(Set.of("app.gone", "app.greeting", "app.new"));
    assertThat(seenByListener).containsExactly(Optional.of("hello"));

    settings
        .reloadTarget()
        .prepare(load(Map.of(), "--app.greeting=hello", "--app.same=1", "--app.new=y"))
        .run();
    assertThat(told).as("nothing changed").hasSize(1);

    subscription.close();
    settings.reloadTarget().prepare(load(Map.of(), "--app.greeting=bye")).run();
    assertThat(told).as("closed").hasSize(1);
    assertThat(settings.getString("app.greeting")).hasValue("bye");
  }

  @Test
  void readingBeforeAnythingIsLoadedSaysWhy() {
    AppSettings settings = AppSettings.notLoaded();
    assertThatThrownBy(() -> settings.getString("app.greeting"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "app.* settings are not loaded yet: MeshApplication loads them before it creates"
                + " the module it runs");
    assertThat(settings).hasToString("AppSettings[not loaded]");

    settings.reloadTarget().prepare(load(Map.of(), "--app.greeting=hi")).run();
    assertThat(settings.getString("app.greeting")).hasValue("hi");
  }
}
