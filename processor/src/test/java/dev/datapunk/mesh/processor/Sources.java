package dev.datapunk.mesh.processor;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.tools.JavaFileObject;

/** Test sources, golden files and the compiler under test. */
final class Sources {

  private Sources() {}

  /** javac with the mesh processor and the project's lint settings. */
  static Compiler javac() {
    return Compiler.javac()
        .withProcessors(new MeshProcessor())
        .withOptions("-Xlint:all", "-Xlint:-processing");
  }

  /** A source file; line {@code n} of the file is {@code lines[n - 1]}. */
  static JavaFileObject source(String qualifiedName, String... lines) {
    return JavaFileObjects.forSourceLines(qualifiedName, lines);
  }

  /** The text of {@code src/test/resources/golden/<name>}. */
  static String golden(String name) {
    try (InputStream in = Sources.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no golden file " + name);
      }
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
