package dev.datapunk.mesh.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which changed keys may be applied at run time and which need a restart. */
class ConfigDiffTest {

  private static final Path DIR = Path.of("/srv/mesh");

  private static MeshConfig load(String... args) {
    return ConfigLoader.load(args, Map.of(), DIR).config();
  }

  @Test
  void splitsReloadableFromRestartOnlyChanges() {
    ConfigDiff diff =
        ConfigDiff.between(
            load("--server.port=50051", "--ratelimit.override.pkg.S/M.rps=5"),
            load(
                "--server.port=50052",
                "--ratelimit.override.pkg.S/M.rps=20",
                "--auth.jwt.clock-skew=5s",
                "--ratelimit.override.pkg.S/N.burst=3",
                "--metrics.tags.region=eu"));
    assertThat(diff.reloadable())
        .extracting(ConfigChange::toString)
        .containsExactly(
            "auth.jwt.clock-skew 60s -> 5s",
            "ratelimit.override.pkg.S/M.rps 5 -> 20",
            "ratelimit.override.pkg.S/N.burst unset -> 3");
    assertThat(diff.needsRestart())
        .extracting(ConfigChange::describeInParentheses)
        .containsExactly("server.port (50051 -> 50052)", "metrics.tags.region (unset -> eu)");
  }

  @Test
  void sameValuesFromAnotherSourceAreNoChange() {
    assertThat(ConfigDiff.between(load(), load("--server.port=50051")).isEmpty()).isTrue();
  }

  @Test
  void theReloadableKeysAreTheDocumentedOnes() {
    assertThat(ConfigKeys.ALL.stream().filter(ConfigKey::isReloadable).map(ConfigKey::name))
        .containsExactly(
            "tls.allowed-identities",
            "auth.jwt.issuer",
            "auth.jwt.audience",
            "auth.jwt.clock-skew",
            "auth.audit.allowed",
            "limits.adaptive.enabled",
            "limits.adaptive.initial-limit",
            "limits.adaptive.min-limit",
            "limits.adaptive.max-limit",
            "limits.adaptive.public-reserved",
            "log.level",
            "tracing.sampling-ratio",
            "tracing.headers",
            "tracing.record-identity");
    assertThat(ConfigDiff.isReloadable("ratelimit.override.pkg.S/M.burst")).isTrue();
    assertThat(ConfigDiff.isReloadable("limits.adaptive.reserved.pkg.S/M")).isTrue();
    assertThat(ConfigDiff.isReloadable("log.levels.tls")).isTrue();
    assertThat(ConfigDiff.isReloadable("limits.adaptive.per-method")).isFalse();
    assertThat(ConfigDiff.isReloadable("metrics.tags.region")).isFalse();
    assertThat(ConfigDiff.isReloadable("server.port")).isFalse();
  }
}
