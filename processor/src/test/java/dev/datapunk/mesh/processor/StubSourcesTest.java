package dev.datapunk.mesh.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.datapunk.mesh.processor.Sources.golden;
import static dev.datapunk.mesh.processor.Sources.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import test.orders.v1.OrderServiceGrpc;

/**
 * Where the gRPC stub comes from: a jar, sources of the same compilation, another processor in a
 * later round, or nowhere.
 */
class StubSourcesTest {

  /** protoc's output for orders.proto, as the build generated it. */
  private static final Path GENERATED = Paths.get("target/generated-test-sources/protobuf");

  private static final Path TEST_CLASSES = testClasses();

  @Test
  void stubFromAJar(@TempDir Path dir) throws IOException {
    Path jar = dir.resolve("orders-stubs.jar");
    writeJar(jar, TEST_CLASSES, name -> name.startsWith("test/orders/v1/"));

    Compilation compilation =
        javac()
            .withClasspath(classpathWithout(TEST_CLASSES, jar))
            .compile(GoldenOutputTest.ORDER_SERVICE);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.app.OrderService_MeshBinding")
        .contentsAsUtf8String()
        .isEqualTo(golden("test/app/OrderService_MeshBinding.java"));
  }

  @Test
  void stubFromSourcesOfTheSameCompilation() throws IOException {
    List<JavaFileObject> sources = new ArrayList<>(protocSources(path -> true));
    sources.add(GoldenOutputTest.ORDER_SERVICE);

    Compilation compilation =
        javac().withClasspath(classpathWithout(TEST_CLASSES)).compile(sources);

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .generatedSourceFile("test.app.OrderService_MeshBinding")
        .contentsAsUtf8String()
        .isEqualTo(golden("test/app/OrderService_MeshBinding.java"));
    assertThat(compilation)
        .generatedSourceFile("test.app.MeshMain")
        .contentsAsUtf8String()
        .isEqualTo(golden("test/app/MeshMain.java"));
  }

  @Test
  void stubGeneratedInALaterRoundDefersTheService(@TempDir Path dir) throws IOException {
    Path jar = dir.resolve("order-messages.jar");
    writeJar(jar, TEST_CLASSES, StubSourcesTest::isMessageClass);
    String grpcSource =
        Files.readString(GENERATED.resolve("grpc-java/test/orders/v1/OrderServiceGrpc.java"));

    Compilation compilation =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(new MeshProcessor(), new StubWritingProcessor(grpcSource))
            .withOptions("-Xlint:all", "-Xlint:-processing")
            .withClasspath(classpathWithout(TEST_CLASSES, jar))
            .compile(GoldenOutputTest.ORDER_SERVICE);

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .generatedSourceFile("test.app.OrderService_MeshBinding")
        .contentsAsUtf8String()
        .isEqualTo(golden("test/app/OrderService_MeshBinding.java"));
    assertThat(compilation).generatedSourceFile("test.app.MeshMain");
  }

  @Test
  void stubNeverGenerated(@TempDir Path dir) throws IOException {
    Path jar = dir.resolve("order-messages.jar");
    writeJar(jar, TEST_CLASSES, StubSourcesTest::isMessageClass);

    Compilation compilation =
        javac()
            .withClasspath(classpathWithout(TEST_CLASSES, jar))
            .compile(GoldenOutputTest.ORDER_SERVICE);

    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining(
            "[MeshImplBaseUnresolved] the superclass OrderServiceGrpc.OrderServiceImplBase of"
                + " @MeshService class OrderService could not be found: the gRPC stub class was not"
                + " generated. protoc-gen-grpc-java must run before compilation (e.g. the"
                + " protobuf-maven-plugin compile-custom goal)")
        .inFile(GoldenOutputTest.ORDER_SERVICE)
        .onLine(15);
  }

  /**
   * Writes {@code OrderServiceGrpc.java} in the first round, as a stub-generating processor would.
   */
  private static final class StubWritingProcessor extends AbstractProcessor {
    private final String source;
    private boolean written;

    StubWritingProcessor(String source) {
      this.source = source;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!written) {
        written = true;
        try (var writer =
            processingEnv
                .getFiler()
                .createSourceFile("test.orders.v1.OrderServiceGrpc")
                .openWriter()) {
          writer.write(source);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  private static Path testClasses() {
    try {
      return Paths.get(
          OrderServiceGrpc.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every generated .java file of protoc's output whose path matches. */
  private static List<JavaFileObject> protocSources(java.util.function.Predicate<Path> include)
      throws IOException {
    try (Stream<Path> files = Files.walk(GENERATED)) {
      List<Path> paths =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(include)
              .sorted()
              .collect(Collectors.toList());
      assertFalse(paths.isEmpty(), "protoc output under " + GENERATED.toAbsolutePath());
      List<JavaFileObject> sources = new ArrayList<>();
      for (Path path : paths) {
        sources.add(JavaFileObjects.forResource(path.toUri().toURL()));
      }
      return sources;
    }
  }

  /** The test's class path minus {@code excluded}, plus {@code extra}. */
  private static List<File> classpathWithout(Path excluded, Path... extra) {
    List<File> files =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.isEmpty())
            .map(Paths::get)
            .filter(
                path ->
                    !path.toAbsolutePath()
                        .normalize()
                        .equals(excluded.toAbsolutePath().normalize()))
            .map(Path::toFile)
            .collect(Collectors.toCollection(ArrayList::new));
    assertEquals(
        1,
        System.getProperty("java.class.path").split(File.pathSeparator).length - files.size(),
        "exactly the test classes are left out");
    for (Path path : extra) {
      files.add(path.toFile());
    }
    return files;
  }

  /** The protobuf message classes of orders.proto, without the gRPC stub. */
  private static boolean isMessageClass(String name) {
    return name.startsWith("test/orders/v1/") && !name.contains("OrderServiceGrpc");
  }

  /** A jar of the class files under {@code root} whose relative path {@code include} accepts. */
  private static void writeJar(Path jar, Path root, java.util.function.Predicate<String> include)
      throws IOException {
    int count = 0;
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out);
        Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
        String name = root.relativize(file).toString().replace(File.separatorChar, '/');
        if (include.test(name) && name.endsWith(".class")) {
          jarOut.putNextEntry(new JarEntry(name));
          jarOut.write(Files.readAllBytes(file));
          jarOut.closeEntry();
          count++;
        }
      }
    }
    assertTrue(count > 0, "classes to jar under " + root);
  }
}
