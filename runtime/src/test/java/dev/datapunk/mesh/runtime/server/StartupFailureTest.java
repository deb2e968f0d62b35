package dev.datapunk.mesh.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.UnprotectedSimpleService;
import dev.datapunk.mesh.runtime.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong setting found while the server is assembled fails start-up with a message naming its key
 * or file, and when several are wrong the first step in assembly order (meter registry, TLS,
 * signing keys) is the one reported, so fixing them one by one always goes the same way.
 */
class StartupFailureTest {

  private static final String BAD_METRICS_TAG = "--metrics.tags.service=inventory";

  @Test
  void aBadMetricsSettingFailsStartUpNamingTheKey(@TempDir Path dir) {
    assertThatThrownBy(() -> start(dir, BAD_METRICS_TAG).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("metrics.tags.service:");
  }

  @Test
  void anUnreadableJwksFileFailsStartUpNamingTheKey(@TempDir Path dir) {
    Path missing = dir.resolve("missing-jwks.json");
    assertThatThrownBy(() -> start(dir, "--auth.jwt.jwks=" + missing).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("auth.jwt.jwks: cannot read " + missing);
  }

  @Test
  void aDevSigningKeyThatIsNotAKeyFailsStartUpNamingTheFile(@TempDir Path dir) throws Exception {
    Path devDir = dir.resolve("dev");
    java.nio.file.Files.createDirectories(devDir);
    java.nio.file.Files.writeString(devDir.resolve("jwt-signing-key.json"), "not a key");
    assertThatThrownBy(() -> start(dir, "--dev.dir=" + devDir).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("dev.dir: cannot create the development signing key in " + devDir)
        .hasMessageContaining("jwt-signing-key.json");
  }

  @Test
  void whenTheMetricsAndTheKeysAreWrongTheMetricsErrorIsReported(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                start(dir, BAD_METRICS_TAG, "--auth.jwt.jwks=" + dir.resolve("missing-jwks.json"))
                    .close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("metrics.tags.service:");
  }

  @Test
  void whenTlsAndTheKeysAreWrongTheTlsErrorIsReported(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                start(
                        dir,
                        "--tls.mode=tls",
                        "--tls.cert=" + dir.resolve("missing-server.pem"),
                        "--tls.key=" + dir.resolve("missing-server.key"),
                        "--auth.jwt.jwks=" + dir.resolve("missing-jwks.json"))
                    .close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("tls: ")
        .hasMessageContaining("missing-server");
  }

  @Test
  void aGoodConfigurationStartsWithTheDevKey(@TempDir Path dir) {
    try (MeshServer server = start(dir)) {
      assertThat(server.port()).isPositive();
      assertThat(dir.resolve(".mesh/dev/jwks.json")).exists();
    }
  }

  private static MeshServer start(Path dir, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--server.host=127.0.0.1", "--server.port=0", "--metrics.port=0"));
    args.addAll(Arrays.asList(extra));
    if (args.stream().noneMatch(arg -> arg.startsWith("--tls.mode="))) {
      args.add("--tls.mode=plaintext");
    }
    return MeshApplication.start(
        args.toArray(String[]::new), List.of(UnprotectedSimpleService.binding()), Map.of(), dir);
  }
}
