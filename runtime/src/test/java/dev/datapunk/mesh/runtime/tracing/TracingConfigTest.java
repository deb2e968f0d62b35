package dev.datapunk.mesh.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tracing.*} keys: defaults, every layer, and errors that name the key and never show a
 * header value.
 */
class TracingConfigTest {

  @TempDir Path dir;

  private MeshConfig load(Map<String, String> env, String... args) {
    return ConfigLoader.load(args, env, dir).config();
  }

  private String problem(String... args) {
    return assertThrows(ConfigException.class, () -> load(Map.of(), args)).getMessage();
  }

  @Test
  void byDefaultNothingIsTraced() {
    TracingSettings tracing = load(Map.of()).tracing();
    assertThat(tracing)
        .isEqualTo(
            new TracingSettings(
                false,
                URI.create("http://127.0.0.1:4317"),
                1.0,
                Optional.empty(),
                Duration.ofSeconds(10),
                Map.of(),
                false));
  }

  @Test
  void everyKeyIsReadIntoTheSettings() {
    TracingSettings tracing =
        load(
                Map.of("MESH_TRACING_HEADERS", "x-api-key=k1, x-team = blue"),
                "--tracing.enabled=true",
                "--tracing.endpoint=https://collector.example:4317",
                "--tracing.sampling-ratio=0.25",
                "--tracing.service-name=inventory",
                "--tracing.export-timeout=2s",
                "--tracing.record-identity=true")
            .tracing();
    assertThat(tracing)
        .isEqualTo(
            new TracingSettings(
                true,
                URI.create("https://collector.example:4317"),
                0.25,
                Optional.of("inventory"),
                Duration.ofSeconds(2),
                Map.of("x-api-key", "k1", "x-team", "blue"),
                true));
  }

  @Test
  void badValuesNameTheKey() {
    assertThat(problem("--tracing.sampling-ratio=1.5"))
        .isEqualTo(
            "tracing.sampling-ratio: expected a number from 0 to 1, got \"1.5\" (from command line"
                + " --tracing.sampling-ratio=1.5)");
    assertThat(problem("--tracing.sampling-ratio=-0.1"))
        .startsWith("tracing.sampling-ratio: expected a number from 0 to 1");
    assertThat(problem("--tracing.endpoint=grpc://collector:4317"))
        .startsWith("tracing.endpoint: expected a URI with a host and scheme http:// or https://");
    assertThat(problem("--tracing.export-timeout=0s"))
        .startsWith("tracing.export-timeout: expected a duration");
  }

  @Test
  void headerValuesAreNeverShownNotInErrorsNorInTheSummary() {
    String reserved = problem("--tracing.headers=grpc-timeout=s3cret");
    assertThat(reserved)
        .startsWith("tracing.headers: expected name=value headers")
        .doesNotContain("s3cret")
        .contains("grpc-timeout=****");
    String duplicate = problem("--tracing.headers=x-key=s3cret,x-key=other");
    assertThat(duplicate)
        .startsWith("tracing.headers: expected each header name once")
        .doesNotContain("s3cret");
    String nameless = problem("--tracing.headers=s3cret");
    assertThat(nameless)
        .startsWith("tracing.headers: expected name=value headers")
        .doesNotContain("s3cret");

    MeshConfig config = load(Map.of(), "--tracing.headers=authorization=Bearer s3cret,x-team=blue");
    assertThat(config.tracing().headers()).containsEntry("authorization", "Bearer s3cret");
    assertThat(config.describe())
        .contains("tracing.headers=authorization=****,x-team=****")
        .doesNotContain("s3cret");
    assertThat(config.tracing().toString()).doesNotContain("s3cret").doesNotContain("blue");
  }
}
