package dev.datapunk.mesh.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Runs javac with the mesh processor into real directories and lists the generated sources.
 *
 * <p>compile-testing hides generated files once a compilation fails; tests that show a valid
 * service still gets its binding next to a broken one need them anyway.
 */
final class GeneratedSources {

  private GeneratedSources() {}

  /** Paths, relative to the source output directory and sorted, of the sources generated. */
  static List<String> of(List<JavaFileObject> sources, String... options) {
    try {
      Path root = Files.createTempDirectory("mesh-processor-test");
      try {
        Path generated = Files.createDirectory(root.resolve("generated"));
        Path classes = Files.createDirectory(root.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> arguments =
            new ArrayList<>(
                List.of(
                    "-s",
                    generated.toString(),
                    "-d",
                    classes.toString(),
                    "-classpath",
                    System.getProperty("java.class.path")));
        arguments.addAll(List.of(options));
        JavaCompiler.CompilationTask task =
            javac.getTask(null, null, diagnostic -> {}, arguments, null, sources);
        task.setProcessors(List.of(new MeshProcessor()));
        task.call();
        try (Stream<Path> files = Files.walk(generated)) {
          return files
              .filter(Files::isRegularFile)
              .map(file -> generated.relativize(file).toString())
              .sorted()
              .collect(Collectors.toList());
        }
      } finally {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path file :
              files.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
            Files.delete(file);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
