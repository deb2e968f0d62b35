package dev.datapunk.mesh.runtime.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a {@link ValueParser} may need besides the text.
 *
 * @param workingDir the directory relative paths are resolved against
 */
public record ParseContext(Path workingDir) {

  public ParseContext {
    Objects.requireNonNull(workingDir, "workingDir");
  }
}
