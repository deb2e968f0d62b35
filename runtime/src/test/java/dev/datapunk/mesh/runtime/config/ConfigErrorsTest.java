package dev.datapunk.mesh.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown keys and bad values from every source, with the exact messages users see. */
class ConfigErrorsTest {

  @TempDir Path dir;

  private String failure(Map<String, String> env, String... args) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(args, env, dir))
        .getMessage();
  }

  private void writeMeshYaml(String yaml) throws IOException {
    Files.writeString(dir.resolve("mesh.yaml"), yaml);
  }

  @Test
  void badValueFromCommandLine() {
    assertEquals(
        "server.port: expected a port number 0-65535, got \"abc\" (from command line"
            + " --server.port=abc)",
        failure(Map.of(), "--server.port=abc"));
  }

  @Test
  void badValueFromEnvironment() {
    assertEquals(
        "server.shutdown-grace: expected a duration with a unit ms, s, m, h or d (e.g. 500ms, 30s,"
            + " 2h), got \"30\" (from environment MESH_SERVER_SHUTDOWN_GRACE)",
        failure(Map.of("MESH_SERVER_SHUTDOWN_GRACE", "30")));
  }

  @Test
  void badValueFromFile() throws IOException {
    writeMeshYaml("server:\n  host: 0.0.0.0\n  compression: brotli\n");
    assertEquals(
        "server.compression: expected one of none, gzip, got \"brotli\" (from mesh.yaml line 3)",
        failure(Map.of()));
  }

  @Test
  void unknownKeyFromFileSuggestsTheClosestKey() throws IOException {
    writeMeshYaml("server:\n  host: 0.0.0.0\n  prot: 1\n");
    assertEquals(
        "unknown configuration key \"server.prot\" (from mesh.yaml line 3); did you mean"
            + " \"server.port\"?",
        failure(Map.of()));
  }

  @Test
  void unknownKeyFromCommandLineDoesNotEchoItsValue() {
    assertEquals(
        "unknown configuration key \"auth.jwt.secret\" (from command line --auth.jwt.secret)",
        failure(Map.of(), "--auth.jwt.secret=do-not-print"));
    assertEquals(
        "unknown configuration key \"tls.mdoe\" (from command line --tls.mdoe); did you mean"
            + " \"tls.mode\"?",
        failure(Map.of(), "--tls.mdoe=tls"));
  }

  @Test
  void unknownMeshVariableFromEnvironmentIsAnErrorAndItsValueIsNotEchoed() {
    String message = failure(Map.of("MESH_SERVER_PROT", "do-not-print"));
    assertEquals(
        "unknown configuration variable MESH_SERVER_PROT (from environment); did you mean"
            + " MESH_SERVER_PORT (server.port)?",
        message);
    assertEquals(
        "unknown configuration variable MESH_API_TOKEN (from environment); MESH_* variables are"
            + " reserved for configuration keys (see --help)",
        failure(Map.of("MESH_API_TOKEN", "do-not-print")));
  }

  @Test
  void rateLimitOverridesCannotComeFromTheEnvironment() {
    assertEquals(
        "environment variable MESH_RATELIMIT_OVERRIDE_PKG_SVC_PUT_RPS cannot set"
            + " ratelimit.override.<full/Method>.rps: environment variable names cannot hold it;"
            + " use the configuration file or --ratelimit.override.<full/Method>.rps=VALUE",
        failure(Map.of("MESH_RATELIMIT_OVERRIDE_PKG_SVC_PUT_RPS", "5")));
  }

  @Test
  void metricsTagsFromTheEnvironmentAreLowerCased() {
    MeshConfig config =
        ConfigLoader.load(new String[0], Map.of("MESH_METRICS_TAGS_DEPLOY_ENV", "prod"), dir)
            .config();
    assertEquals(Map.of("deploy_env", "prod"), config.metrics().commonTags());
    assertEquals(
        "metrics.tags.deploy-env: expected metrics.tags.<name> with a tag name of lower-case"
            + " letters, digits and _, got \"deploy-env\" (from environment"
            + " MESH_METRICS_TAGS_DEPLOY-ENV)",
        failure(Map.of("MESH_METRICS_TAGS_DEPLOY-ENV", "prod")));
  }

  @Test
  void everyProblemIsReportedAtOnceInLayerOrder() throws IOException {
    writeMeshYaml("server.worker-threads: 0\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    new String[] {"--server.port=-1", "--bogus=1"},
                    Map.of("MESH_TLS_MODE", "none"),
                    dir));
    assertEquals(
        List.of(
            "server.worker-threads: expected an integer from 1 to 10000, got \"0\" (from mesh.yaml"
                + " line 1)",
            "tls.mode: expected one of mtls, tls, plaintext, got \"none\" (from environment"
                + " MESH_TLS_MODE)",
            "server.port: expected a port number 0-65535, got \"-1\" (from command line"
                + " --server.port=-1)",
            "unknown configuration key \"bogus\" (from command line --bogus)"),
        e.problems());
    assertEquals(String.join("\n", e.problems()), e.getMessage());
  }

  @Test
  void aBadValueFailsEvenWhenALaterLayerReplacesIt() throws IOException {
    writeMeshYaml("server.port: abc\n");
    assertEquals(
        "server.port: expected a port number 0-65535, got \"abc\" (from mesh.yaml line 1)",
        failure(Map.of(), "--server.port=1"));
  }

  @Test
  void optionWithoutValue() {
    assertEquals(
        "server.port: needs a value: write --server.port=VALUE (from command line --server.port)",
        failure(Map.of(), "--server.port", "50051"));
    assertEquals(
        "unknown configuration key \"verbose\" (from command line --verbose)",
        failure(Map.of(), "--verbose"));
  }

  @Test
  void malformedAndRepeatedOptions() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), "");
    Files.writeString(dir.resolve("b.yaml"), "");
    assertEquals(
        "unknown option \"-p\" (from command line); options are written --key=value (see --help)",
        failure(Map.of(), "-p"));
    assertEquals(
        "malformed option \"--=5\" (from command line); write --key=value",
        failure(Map.of(), "--=5"));
    assertEquals(
        "server.port: given more than once (from command line --server.port)",
        failure(Map.of(), "--server.port=1", "--server.port=2"));
    assertEquals(
        "--config is given more than once (from command line)",
        failure(Map.of(), "--config=a.yaml", "--config=b.yaml"));
  }

  @Test
  void maskedKeysNeverShowTheirSecretInErrors() {
    String message = failure(Map.of(), "--ratelimit.redis.uri=http://user:hunter2@cache:6379");
    assertEquals(
        "ratelimit.redis.uri: expected a URI with a host and scheme redis:// or rediss://, got"
            + " \"http://***@cache:6379\" (from command line"
            + " --ratelimit.redis.uri=http://***@cache:6379)",
        message);
    assertFalse(message.contains("hunter2"));
  }

  @Test
  void aBadSeedNodeOfARedisClusterNamesTheKeyAndHidesPasswords() {
    String message =
        failure(
            Map.of(),
            "--ratelimit.redis.cluster=true",
            "--ratelimit.redis.uri=redis://:hunter2@a:7000,http://:hunter2@b:7000");
    assertTrue(
        message.startsWith(
            "ratelimit.redis.uri: expected a URI with a host and scheme redis:// or"
                + " rediss://, got \"http://***@b:7000\""),
        message);
    assertFalse(message.contains("hunter2"), message);
    assertTrue(
        failure(
                Map.of(),
                "--ratelimit.redis.cluster=true",
                "--ratelimit.redis.uri=redis://a:7000,,redis://b:7000")
            .startsWith("ratelimit.redis.uri: expected a list without empty items"));
    assertTrue(
        failure(Map.of(), "--ratelimit.redis.cluster=yes")
            .startsWith("ratelimit.redis.cluster: expected true or false, got \"yes\""));
  }

  @Test
  void severalRedisUrisNeedClusterModeAndOneScheme() {
    String several = failure(Map.of(), "--ratelimit.redis.uri=redis://a:7000,redis://b:7000");
    assertTrue(
        several.contains("ratelimit.redis.uri names 2 Redis nodes (from command line")
            && several.contains("but ratelimit.redis.cluster is false (from default)"),
        several);
    String mixed =
        failure(
            Map.of(),
            "--ratelimit.redis.cluster=true",
            "--ratelimit.redis.uri=redis://a:7000,rediss://b:7000");
    assertTrue(mixed.contains("ratelimit.redis.uri mixes redis:// and rediss://"), mixed);
  }

  @Test
  void emptyMeshConfigVariable() {
    assertEquals(
        "configuration file name is empty (from environment MESH_CONFIG)",
        failure(Map.of("MESH_CONFIG", "")));
  }
}
