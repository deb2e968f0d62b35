package dev.datapunk.mesh.bench.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One start-up run of each server reaches SERVING and is reported; no timing is asserted. */
class StartupComparisonSmokeTest {

  @Test
  void timesBothServersToServing(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("startup.md");
    StartupComparison.main(
        new String[] {
          "--runs=1",
          "--transports=plaintext",
          "--server-jvm=-Xmx256m",
          "--work-dir=" + dir.resolve("work"),
          "--out=" + report
        });
    assertThat(Files.readString(report))
        .containsPattern("\\| bare grpc-java \\| plaintext \\| \\d+ \\|")
        .containsPattern("\\| mesh, every stage on \\| plaintext \\| \\d+ \\|");
  }
}
