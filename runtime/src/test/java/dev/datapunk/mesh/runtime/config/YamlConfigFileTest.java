package dev.datapunk.mesh.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.ratelimit.RateLimitOverride;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML layer: nesting, flat keys, lists, key families and file-level errors. */
class YamlConfigFileTest {

  @TempDir Path dir;

  private MeshConfig loadYaml(String yaml, String... args) throws IOException {
    Files.writeString(dir.resolve("mesh.yaml"), yaml);
    return ConfigLoader.load(args, Map.of(), dir).config();
  }

  private String failureOf(String yaml) throws IOException {
    Files.writeString(dir.resolve("mesh.yaml"), yaml);
    return assertThrows(
            ConfigException.class, () -> ConfigLoader.load(new String[0], Map.of(), dir))
        .getMessage();
  }

  @Test
  void nestedAndFlatKeysAreTheSame() throws IOException {
    MeshConfig nested =
        loadYaml("server:\n  port: 6001\n  keepalive-time: 1h\nauth:\n  jwt:\n    issuer: idp\n");
    MeshConfig flat =
        loadYaml("server.port: 6001\nserver.keepalive-time: 1h\nauth.jwt.issuer: idp\n");
    MeshConfig mixed =
        loadYaml("server:\n  port: 6001\nserver.keepalive-time: 1h\nauth:\n  jwt.issuer: idp\n");
    for (MeshConfig config : List.of(nested, flat, mixed)) {
      assertEquals(6001, config.server().port());
      assertEquals(Duration.ofHours(1), config.server().keepAliveTime());
      assertEquals(Optional.of("idp"), config.jwt().issuer());
    }
  }

  @Test
  void emptyFileOrCommentsOnlyMeansNothingSet() throws IOException {
    assertEquals(50051, loadYaml("").server().port());
    assertEquals(50051, loadYaml("# nothing here\n").server().port());
  }

  @Test
  void listKeysTakeAYamlListOrACommaSeparatedString() throws IOException {
    assertEquals(
        List.of("spiffe://mesh/a", "spiffe://mesh/b"),
        loadYaml("tls:\n  allowed-identities:\n    - spiffe://mesh/a\n    - spiffe://mesh/b\n")
            .tls()
            .allowedIdentities());
    assertEquals(
        List.of("RS256", "EdDSA"),
        loadYaml("auth.jwt.algorithms: [RS256, EdDSA]\n").get(ConfigKeys.AUTH_JWT_ALGORITHMS));
    assertEquals(
        List.of("ES256", "EdDSA"),
        loadYaml("auth.jwt.algorithms: ES256, EdDSA\n").get(ConfigKeys.AUTH_JWT_ALGORITHMS));
    assertEquals(List.of(), loadYaml("tls.allowed-identities: []\n").tls().allowedIdentities());
  }

  @Test
  void aListForAScalarKeyIsRejected() throws IOException {
    assertEquals(
        "server.port: expected a single value, not a list (from mesh.yaml line 1)",
        failureOf("server.port: [1, 2]\n"));
  }

  @Test
  void listItemsMustBePlainValues() throws IOException {
    assertEquals(
        "tls.allowed-identities: list items must be plain values (from mesh.yaml line 1)",
        failureOf("tls.allowed-identities:\n  - {a: b}\n"));
  }

  @Test
  void rateLimitOverridesNestedOrAsQuotedFlatKeys() throws IOException {
    MeshConfig nested =
        loadYaml(
            """
            ratelimit:
              override:
                "datapunk.inventory.v1.InventoryService/PutItem":
                  rps: 2.5
                  burst: 4
                datapunk.inventory.v1.InventoryService/GetItem:
                  burst: 9
            """);
    MeshConfig flat =
        loadYaml(
            """
            "ratelimit.override.datapunk.inventory.v1.InventoryService/PutItem.rps": 2.5
            ratelimit.override.datapunk.inventory.v1.InventoryService/PutItem.burst: 4
            ratelimit.override.datapunk.inventory.v1.InventoryService/GetItem.burst: 9
            """);
    Map<String, RateLimitOverride> expected =
        Map.of(
            "datapunk.inventory.v1.InventoryService/PutItem",
            new RateLimitOverride(OptionalDouble.of(2.5), OptionalInt.of(4)),
            "datapunk.inventory.v1.InventoryService/GetItem",
            new RateLimitOverride(OptionalDouble.empty(), OptionalInt.of(9)));
    assertEquals(expected, nested.rateLimit().overrides());
    assertEquals(expected, flat.rateLimit().overrides());
  }

  @Test
  void commandLineOverrideReplacesOnlyTheGivenPartOfAFileOverride() throws IOException {
    MeshConfig config =
        loadYaml(
            "ratelimit.override:\n  pkg.Svc/Put: {rps: 5, burst: 5}\n",
            "--ratelimit.override.pkg.Svc/Put.burst=50",
            "--ratelimit.override.pkg.Svc/Get.rps=0.5");
    assertEquals(
        Map.of(
            "pkg.Svc/Get", new RateLimitOverride(OptionalDouble.of(0.5), OptionalInt.empty()),
            "pkg.Svc/Put", new RateLimitOverride(OptionalDouble.of(5), OptionalInt.of(50))),
        config.rateLimit().overrides());
    assertEquals(
        List.of("pkg.Svc/Get", "pkg.Svc/Put"),
        List.copyOf(config.rateLimit().overrides().keySet()));
  }

  @Test
  void rateLimitOverrideAppliesToTheAnnotatedSpec() {
    var override = new RateLimitOverride(OptionalDouble.empty(), OptionalInt.of(7));
    assertEquals(
        new dev.datapunk.mesh.runtime.policy.RateLimitSpec(5, 7),
        override.applyTo(new dev.datapunk.mesh.runtime.policy.RateLimitSpec(5, 5)));
  }

  @Test
  void badOverrideMethodNameOrValueIsReported() throws IOException {
    assertEquals(
        "ratelimit.override.PutItem.rps: expected ratelimit.override.<full/Method>.rps with a full"
            + " method name like datapunk.inventory.v1.InventoryService/PutItem, got \"PutItem\""
            + " (from mesh.yaml line 1)",
        failureOf("ratelimit.override.PutItem.rps: 5\n"));
    assertEquals(
        "ratelimit.override.pkg.Svc/Put.burst: expected an integer from 1 to 1000000, got \"0\""
            + " (from mesh.yaml line 3)",
        failureOf("ratelimit:\n  override:\n    pkg.Svc/Put: {burst: 0}\n"));
    assertEquals(
        "unknown configuration key \"ratelimit.override.pkg.Svc/Put.limit\" (from mesh.yaml line"
            + " 1); expected ratelimit.override.<full/Method>.rps or"
            + " ratelimit.override.<full/Method>.burst",
        failureOf("ratelimit.override.pkg.Svc/Put.limit: 5\n"));
  }

  @Test
  void metricsTagsNestedAndFlat() throws IOException {
    assertEquals(
        Map.of("region", "eu-1", "team", "inventory", "empty", ""),
        loadYaml(
                """
                metrics:
                  tags:
                    region: eu-1
                    team: inventory
                metrics.tags.empty: ""
                """)
            .metrics()
            .commonTags());
    assertEquals(
        "metrics.tags.Region: expected metrics.tags.<name> with a tag name of lower-case letters,"
            + " digits and _, got \"Region\" (from mesh.yaml line 1)",
        failureOf("metrics.tags.Region: x\n"));
  }

  @Test
  void syntaxErrorNamesFileAndLine() throws IOException {
    String message = failureOf("server:\n  port: 1\n  host: [unclosed\ntls.mode: tls\n");
    assertEquals("mesh.yaml line 4: invalid YAML: expected ',' or ']', but got :", message);
    assertEquals(
        "mesh.yaml line 2: invalid YAML: mapping values are not allowed here",
        failureOf("server.port: 1\nserver.host: a: b\n"));
  }

  @Test
  void syntaxErrorInANamedFileUsesTheNameAsGiven() throws IOException {
    Files.writeString(dir.resolve("other.yaml"), "a: b\n\t- tab\n");
    String message =
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(new String[] {"--config=other.yaml"}, Map.of(), dir))
            .getMessage();
    assertEquals(true, message.startsWith("other.yaml line 2: invalid YAML: "), message);
  }

  @Test
  void topLevelMustBeAMapping() throws IOException {
    assertEquals(
        "mesh.yaml line 1: expected a mapping of configuration keys to values",
        failureOf("- server.port\n"));
  }

  @Test
  void keySetTwiceIsReported() throws IOException {
    assertEquals(
        "server.port: set twice (from mesh.yaml line 1 and mesh.yaml line 3)",
        failureOf("server.port: 1\nserver:\n  port: 2\n"));
  }

  @Test
  void keyWithoutValueIsReported() throws IOException {
    assertEquals(
        "tls.cert: has no value (from mesh.yaml line 2); remove it to use the default",
        failureOf("tls:\n  cert:\n"));
  }

  @Test
  void yamlNumbersAndBooleansArePassedAsTextToTheKeysParser() throws IOException {
    MeshConfig config = loadYaml("health.enabled: False\nserver.port: 0\nmetrics.tags.v: 1.0\n");
    assertEquals(false, config.health().enabled());
    assertEquals(0, config.server().port());
    assertEquals("1.0", config.metrics().commonTags().get("v"));
    assertEquals(
        "health.enabled: expected true or false, got \"yes\" (from mesh.yaml line 1)",
        failureOf("health.enabled: yes\n"));
  }

  @Test
  void notUtf8IsReported() throws IOException {
    Files.write(
        dir.resolve("mesh.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
    assertEquals(
        "cannot read configuration file mesh.yaml: it is not UTF-8 text",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[0], Map.of(), dir))
            .getMessage());
  }
}
