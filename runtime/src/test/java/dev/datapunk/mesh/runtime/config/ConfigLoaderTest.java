package dev.datapunk.mesh.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.tls.TlsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layering, the configuration file's selection, positional arguments and help. */
class ConfigLoaderTest {

  @TempDir Path dir;

  private MeshConfig load(Map<String, String> env, String... args) {
    return ConfigLoader.load(args, env, dir).config();
  }

  private void writeMeshYaml(String yaml) throws IOException {
    Files.writeString(dir.resolve("mesh.yaml"), yaml);
  }

  @Test
  void withNothingConfiguredEveryKeyHasItsDefault() {
    MeshConfig config = load(Map.of());
    assertEquals(
        new ServerSettings(
            "0.0.0.0",
            50051,
            4 * 1024 * 1024,
            8 * 1024,
            10,
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ofHours(2),
            Duration.ofSeconds(20),
            Duration.ofMinutes(5),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            OptionalInt.empty(),
            Compression.NONE),
        config.server());
    assertEquals(
        new TlsSettings(
            TlsMode.MTLS, Optional.empty(), Optional.empty(), Optional.empty(), List.of()),
        config.tls());
    assertEquals(new JwksSettings(Optional.empty(), Optional.empty()), config.jwks());
    assertEquals(Optional.empty(), config.jwt().issuer());
    assertEquals(Optional.empty(), config.jwt().audience());
    assertEquals(Duration.ofSeconds(60), config.jwt().clockSkew());
    assertEquals(Set.of("RS256", "ES256", "EdDSA"), config.jwt().allowedAlgorithms());
    assertEquals(10_000, config.jwt().cacheSize());
    assertFalse(config.auditAllowed());
    assertEquals(
        new RateLimitSettings(RateLimitBackend.LOCAL, 1_000_000, Map.of()), config.rateLimit());
    assertEquals("redis://127.0.0.1:6379", config.redis().uris().get(0).toString());
    assertEquals(9464, config.metricsPort());
    assertEquals(Map.of(), config.metrics().commonTags());
    assertEquals(new HealthSettings(true, 0, Duration.ofSeconds(5)), config.health());
    assertTrue(config.reflectionEnabled());
    assertEquals(dir.resolve(".mesh/dev"), config.devDir());
    assertTrue(
        config.entries().stream().allMatch(e -> e.source().equals(ConfigSource.defaultValue())));
  }

  @Test
  void defaultsEqualALoadWithNothingConfigured() {
    assertEquals(MeshConfig.defaults().describe(), load(Map.of()).describe());
    assertEquals(Path.of(".mesh/dev"), MeshConfig.defaults().devDir());
  }

  @Test
  void laterLayersWinKeyByKey() throws IOException {
    writeMeshYaml(
        "server:\n  port: 1001\n  worker-threads: 3\n  shutdown-grace: 5s\ntls.mode: tls\n");
    Map<String, String> env = Map.of("MESH_SERVER_PORT", "1002", "MESH_SERVER_WORKER_THREADS", "4");
    MeshConfig config = load(env, "--server.port=1003");

    assertEquals(1003, config.server().port());
    assertEquals(
        ConfigSource.commandLine("--server.port"), config.sourceOf(ConfigKeys.SERVER_PORT));
    assertEquals(4, config.server().workerThreads());
    assertEquals(
        ConfigSource.environment("MESH_SERVER_WORKER_THREADS"),
        config.sourceOf(ConfigKeys.SERVER_WORKER_THREADS));
    assertEquals(Duration.ofSeconds(5), config.server().shutdownGrace());
    assertEquals(
        ConfigSource.file("mesh.yaml", 4), config.sourceOf(ConfigKeys.SERVER_SHUTDOWN_GRACE));
    assertEquals(TlsMode.TLS, config.tls().mode());
    assertEquals(ConfigSource.file("mesh.yaml", 5), config.sourceOf(ConfigKeys.TLS_MODE));
    assertEquals(Duration.ofHours(2), config.server().keepAliveTime());
    assertEquals(ConfigSource.defaultValue(), config.sourceOf(ConfigKeys.SERVER_KEEPALIVE_TIME));
  }

  @Test
  void environmentWinsOverFileAndCommandLineOverEnvironment() throws IOException {
    writeMeshYaml("reflection.enabled: false\nhealth.enabled: false\n");
    MeshConfig config =
        load(
            Map.of("MESH_REFLECTION_ENABLED", "true", "MESH_HEALTH_ENABLED", "true"),
            "--health.enabled=false");
    assertTrue(config.reflectionEnabled());
    assertFalse(config.health().enabled());
  }

  @Test
  void configOptionNamesTheFileInBothSpellings() throws IOException {
    writeMeshYaml("server.port: 1111\n");
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/prod.yaml"), "server.port: 2222\n");
    assertEquals(2222, load(Map.of(), "--config=conf/prod.yaml").server().port());
    assertEquals(2222, load(Map.of(), "--config", "conf/prod.yaml").server().port());
    assertEquals(
        ConfigSource.file("conf/prod.yaml", 1),
        load(Map.of(), "--config", "conf/prod.yaml").sourceOf(ConfigKeys.SERVER_PORT));
  }

  @Test
  void meshConfigVariableNamesTheFileAndConfigOptionWinsOverIt() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), "server.port: 3333\n");
    Files.writeString(dir.resolve("b.yaml"), "server.port: 4444\n");
    assertEquals(3333, load(Map.of("MESH_CONFIG", "a.yaml")).server().port());
    assertEquals(4444, load(Map.of("MESH_CONFIG", "a.yaml"), "--config=b.yaml").server().port());
  }

  @Test
  void aNamedFileOnlyLoadSkipsMeshYamlButReadsANamedFile() throws IOException {
    writeMeshYaml("server.port: 1111\n");
    Files.writeString(dir.resolve("named.yaml"), "server.port: 2222\n");
    assertEquals(
        50051,
        ConfigLoader.loadNamedFileOnly(new String[0], Map.of(), dir).config().server().port());
    assertEquals(
        2222,
        ConfigLoader.loadNamedFileOnly(new String[] {"--config=named.yaml"}, Map.of(), dir)
            .config()
            .server()
            .port());
    assertEquals(
        2222,
        ConfigLoader.loadNamedFileOnly(new String[0], Map.of("MESH_CONFIG", "named.yaml"), dir)
            .config()
            .server()
            .port());
    assertEquals(
        3333,
        ConfigLoader.loadNamedFileOnly(new String[] {"--server.port=3333"}, Map.of(), dir)
            .config()
            .server()
            .port());
  }

  @Test
  void namedConfigFileMustExist() {
    ConfigException fromOption =
        assertThrows(ConfigException.class, () -> load(Map.of(), "--config=missing.yaml"));
    assertEquals(
        "configuration file \"missing.yaml\" does not exist (from command line"
            + " --config=missing.yaml)",
        fromOption.getMessage());
    ConfigException fromVariable =
        assertThrows(ConfigException.class, () -> load(Map.of("MESH_CONFIG", "gone.yaml")));
    assertEquals(
        "configuration file \"gone.yaml\" does not exist (from environment MESH_CONFIG)",
        fromVariable.getMessage());
  }

  @Test
  void configOptionNeedsAPathAndADirectoryIsNotAFile() throws IOException {
    assertEquals(
        "--config needs a file path: --config=PATH (from command line)",
        assertThrows(ConfigException.class, () -> load(Map.of(), "--config")).getMessage());
    Files.createDirectories(dir.resolve("mesh.yaml"));
    assertEquals(
        "configuration file \"mesh.yaml\" is not a regular file (from the working directory)",
        assertThrows(ConfigException.class, () -> load(Map.of())).getMessage());
  }

  @Test
  void missingMeshYamlIsFine() {
    assertFalse(Files.exists(dir.resolve("mesh.yaml")));
    assertEquals(50051, load(Map.of()).server().port());
  }

  @Test
  void positionalArgumentsAreLeftOverInOrder() {
    LoadedConfig loaded =
        ConfigLoader.load(
            new String[] {
              "dev-token", "--server.port=7000", "inventory:read", "--", "--not-an-option"
            },
            Map.of(),
            dir);
    assertEquals(List.of("dev-token", "inventory:read", "--not-an-option"), loaded.arguments());
    assertEquals(7000, loaded.config().server().port());
    assertFalse(loaded.helpRequested());
  }

  @Test
  void helpSkipsLoadingAndConfigIsThenUnavailable() throws IOException {
    writeMeshYaml("this is: [not valid\n");
    LoadedConfig loaded =
        ConfigLoader.load(new String[] {"--server.port=abc", "--help", "sub"}, Map.of(), dir);
    assertTrue(loaded.helpRequested());
    assertEquals(List.of("sub"), loaded.arguments());
    assertThrows(IllegalStateException.class, loaded::config);
    assertTrue(ConfigLoader.load(new String[] {"-h"}, Map.of(), dir).helpRequested());
  }

  @Test
  void environmentVariablesOutsideMeshPrefixAreIgnored() {
    MeshConfig config = load(Map.of("PATH", "/bin", "mesh_server_port", "1", "SERVER_PORT", "2"));
    assertEquals(50051, config.server().port());
  }

  @Test
  void everyKeyCanBeSetFromEachLayer() throws IOException {
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      String value = sampleValue(key);
      String partner = partnerOption(key);
      writeMeshYaml("\"" + key.name() + "\": \"" + value + "\"\n");
      assertEquals(
          ConfigSource.file("mesh.yaml", 1), load(Map.of(), partner).sourceOf(key), key.name());
      assertEquals(
          ConfigSource.environment(key.environmentVariable()),
          load(Map.of(key.environmentVariable(), value), partner).sourceOf(key),
          key.name());
      assertEquals(
          ConfigSource.commandLine("--" + key.name()),
          load(Map.of(), "--" + key.name() + "=" + value, partner).sourceOf(key),
          key.name());
    }
  }

  /** The key that must be set together with {@code key}, as an option; else a harmless one. */
  private static String partnerOption(ConfigKey<?> key) {
    return switch (key.name()) {
      case "tls.cert" -> "--tls.key=k.pem";
      case "tls.key" -> "--tls.cert=c.pem";
      case "auth.jwt.jwks-ca" -> "--auth.jwt.jwks=https://idp.example/jwks.json";
      default -> "positional";
    };
  }

  /** A valid value for every key, consistent with the defaults of the others. */
  private static String sampleValue(ConfigKey<?> key) {
    return switch (key.name()) {
      case "tls.cert", "tls.key", "tls.ca", "auth.jwt.jwks-ca" -> "x.pem";
      case "tls.allowed-identities" -> "spiffe://mesh/client";
      case "auth.jwt.jwks", "dev.dir" -> "somewhere";
      case "auth.jwt.issuer", "auth.jwt.audience" -> "mesh";
      case "tracing.service-name" -> "inventory";
      default -> key.defaultText().orElseThrow();
    };
  }

  @Test
  void certificateAndKeyMustBeSetTogether() {
    assertEquals(
        "tls.cert is set (from command line --tls.cert) but tls.key is not; set both or neither",
        assertThrows(ConfigException.class, () -> load(Map.of(), "--tls.cert=c.pem")).getMessage());
    MeshConfig config = load(Map.of(), "--tls.cert=c.pem", "--tls.key=k.pem");
    assertEquals(Optional.of(dir.resolve("c.pem")), config.tls().cert());
    assertEquals(Optional.of(dir.resolve("k.pem")), config.tls().key());
  }

  @Test
  void metricsPortMustDifferFromServerPort() {
    assertEquals(
        "metrics.port and server.port are both 9464 (from environment MESH_METRICS_PORT and"
            + " command line --server.port)",
        assertThrows(
                ConfigException.class,
                () -> load(Map.of("MESH_METRICS_PORT", "9464"), "--server.port=9464"))
            .getMessage());
    assertEquals(0, load(Map.of(), "--server.port=0", "--metrics.port=0").metricsPort());
  }

  @Test
  void allowedIdentitiesNeedMutualTls() {
    assertEquals(
        "tls.allowed-identities is set (from command line --tls.allowed-identities) but tls.mode"
            + " is plaintext (from command line --tls.mode), which has no client certificates;"
            + " use mtls",
        assertThrows(
                ConfigException.class,
                () -> load(Map.of(), "--tls.allowed-identities=a", "--tls.mode=plaintext"))
            .getMessage());
  }

  @Test
  void describeListsEveryKeyWithValueAndSourceAndMasksSecrets() {
    MeshConfig config =
        load(
            Map.of("MESH_RATELIMIT_REDIS_URI", "redis://:hunter2@cache:6379"),
            "--server.port=6000",
            "--metrics.tags.region=eu-1");
    String described = config.describe();
    assertEquals(ConfigKeys.ALL.size() + 1, described.lines().count());
    assertTrue(described.contains("server.port=6000 (command line --server.port)\n"), described);
    assertTrue(described.contains("server.host=0.0.0.0 (default)\n"), described);
    assertTrue(
        described.contains(
            "ratelimit.redis.uri=redis://***@cache:6379 (environment"
                + " MESH_RATELIMIT_REDIS_URI)"),
        described);
    assertTrue(described.endsWith("metrics.tags.region=eu-1 (command line --metrics.tags.region)"));
    assertFalse(described.contains("hunter2"));
    assertEquals("redis://:hunter2@cache:6379", config.redis().uris().get(0).toString());
  }

  @Test
  void helpTextListsEveryKeyWithItsDefaultAndDescription() {
    String help = ConfigLoader.helpText();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      assertTrue(
          help.contains(
              "  --"
                  + key.name()
                  + "  ("
                  + key.environmentVariable()
                  + ")\n      "
                  + key.description()
                  + "; default: "
                  + key.defaultLabel()),
          key.name());
    }
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      assertTrue(
          help.contains(
              "  --"
                  + pattern.template()
                  + "  ("
                  + pattern.environmentTemplate().orElse("file or command line only")
                  + ")\n      "
                  + pattern.description()),
          pattern.template());
    }
    assertTrue(help.contains("MESH_CONFIG=PATH"));
    assertTrue(help.contains("--metrics.tags.<name>  (MESH_METRICS_TAGS_<NAME>)\n"));
    assertTrue(
        help.contains("--ratelimit.override.<full/Method>.rps  (file or command line only)\n"));
    assertTrue(help.contains("Booleans: true or false.\n"));
    assertTrue(
        help.contains(
            "--server.port  (MESH_SERVER_PORT)\n      gRPC port; 0 picks a free"
                + " port (logged); default: 50051\n"));
    assertTrue(
        help.contains(
            "--tls.cert  (MESH_TLS_CERT)\n"
                + "      PEM server certificate chain; set together with tls.key; default: unset"
                + " (development certificate under dev.dir)\n"));
  }
}
