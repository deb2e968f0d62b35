package dev.datapunk.mesh.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.datapunk.mesh.processor.Sources.golden;
import static dev.datapunk.mesh.processor.Sources.javac;
import static dev.datapunk.mesh.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** The exact text of the generated binding and bootstrap, formatting included. */
class GoldenOutputTest {

  /**
   * Class-level @Secured and @RateLimit; getOrder @Public (keeps the class rate limit); watchOrders
   * with its own @Secured and @RateLimit; uploadOrders overridden without annotations; syncOrders
   * not overridden.
   */
  static final JavaFileObject ORDER_SERVICE = source("test.app.OrderService",
      "package test.app;",
      "",
      "import dev.datapunk.mesh.annotations.MeshService;",
      "import dev.datapunk.mesh.annotations.Public;",
      "import dev.datapunk.mesh.annotations.RateLimit;",
      "import dev.datapunk.mesh.annotations.Secured;",
      "import io.grpc.stub.StreamObserver;",
      "import test.orders.v1.Order;",
      "import test.orders.v1.OrderRequest;",
      "import test.orders.v1.OrderServiceGrpc;",
      "",
      "@MeshService",
      "@Secured(scopes = \"orders:read\")",
      "@RateLimit(rps = 50, burst = 100)",
      "public class OrderService extends OrderServiceGrpc.OrderServiceImplBase {",
      "  @Override",
      "  @Public",
      "  public void getOrder(OrderRequest request, StreamObserver<Order> out) {",
      "    out.onCompleted();",
      "  }",
      "",
      "  @Override",
      "  @Secured(scopes = {\"orders:watch\", \"orders:audit\"})",
      "  @RateLimit(rps = 0.5, burst = 2)",
      "  public void watchOrders(OrderRequest request, StreamObserver<Order> out) {",
      "    out.onCompleted();",
      "  }",
      "",
      "  @Override",
      "  public StreamObserver<Order> uploadOrders(StreamObserver<Order> out) {",
      "    return out;",
      "  }",
      "}");

  @Test
  void bindingAndBootstrapMatchGoldenFiles() {
    Compilation compilation = javac().compile(ORDER_SERVICE);

    assertThat(compilation).succeededWithoutWarnings();
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
  void generatesExactlyTheBindingAndTheBootstrap() {
    Compilation compilation = javac().compile(ORDER_SERVICE);

    assertThat(compilation).succeeded();
    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.List.of("/SOURCE_OUTPUT/test/app/MeshMain.java",
            "/SOURCE_OUTPUT/test/app/OrderService_MeshBinding.java"),
        compilation.generatedSourceFiles().stream()
            .map(JavaFileObject::getName)
            .sorted()
            .collect(java.util.stream.Collectors.toList()));
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, "test/app/MeshMain.class");
  }
}
