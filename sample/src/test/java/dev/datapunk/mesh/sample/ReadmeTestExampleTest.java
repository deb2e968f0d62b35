package dev.datapunk.mesh.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's test example is {@link InventoryReadmeTest}, word for word, so it compiles and passes. */
class ReadmeTestExampleTest {

  @Test
  void theReadmeShowsInventoryReadmeTestVerbatim() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String test = Files.readString(Path.of("src/test/java/dev/datapunk/mesh/sample/InventoryReadmeTest.java"));
    assertThat(readme).contains("```java\n" + test + "```\n");
  }
}
