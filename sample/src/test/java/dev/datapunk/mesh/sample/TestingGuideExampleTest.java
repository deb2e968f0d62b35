package dev.datapunk.mesh.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The example of docs/testing.md is {@link GetItemPolicyTest}, word for word, so it compiles and
 * passes.
 */
class TestingGuideExampleTest {

  @Test
  void theTestingGuideShowsGetItemPolicyTestVerbatim() throws IOException {
    String guide = Files.readString(Path.of("..", "docs", "testing.md"));
    String test =
        Files.readString(Path.of("src/test/java/dev/datapunk/mesh/sample/GetItemPolicyTest.java"));
    assertThat(guide).contains("```java\n" + test + "```\n");
  }
}
