package dev.datapunk.mesh.bench.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The footprint measurement tracks every client in both limiters and reports all three rows. */
class ClientFootprintSmokeTest {

  @Test
  void reportsTheMapOursAndBucket4j(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("memory.md");
    ClientFootprint.main(new String[] {"--clients=20000", "--out=" + report});
    assertThat(Files.readString(report))
        .contains("ConcurrentHashMap, one shared value")
        .contains("ours: LocalRateLimiterBackend")
        .contains("Bucket4j LockFreeBucket");
  }
}
