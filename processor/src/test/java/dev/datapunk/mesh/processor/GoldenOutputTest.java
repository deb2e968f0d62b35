package dev.datapunk.mesh.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.datapunk.mesh.processor.Sources.golden;
import static dev.datapunk.mesh.processor.Sources.javac;
import static dev.datapunk.mesh.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.util.List;
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
  static final JavaFileObject ORDER_SERVICE =
      source(
          "test.app.OrderService",
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

  /**
   * A service created by a factory, with its own exception handlers (instance and static, with and
   * without trailers, three return types, declared least specific first); a second service; global
   * handlers, stages (one scoped to a service, two with equal order) and a health check.
   */
  static final List<JavaFileObject> EXTENDED =
      List.of(
          source(
              "test.ext.OrderService",
              "package test.ext;",
              "",
              "import dev.datapunk.mesh.annotations.MeshExceptionHandler;",
              "import dev.datapunk.mesh.annotations.MeshService;",
              "import io.grpc.Metadata;",
              "import io.grpc.Status;",
              "import io.grpc.StatusRuntimeException;",
              "import test.orders.v1.OrderServiceGrpc;",
              "",
              "@MeshService",
              "public class OrderService extends OrderServiceGrpc.OrderServiceImplBase {",
              "  private final OrderStore store;",
              "",
              "  public OrderService(OrderStore store) {",
              "    this.store = store;",
              "  }",
              "",
              "  @MeshExceptionHandler",
              "  Status failed(RuntimeException e) {",
              "    return Status.INTERNAL.withDescription(\"order store failed\");",
              "  }",
              "",
              "  @MeshExceptionHandler",
              "  StatusRuntimeException missing(OrderStore.MissingOrderException e, Metadata"
                  + " trailers) {",
              "    return Status.NOT_FOUND.withDescription(\"no order \" +"
                  + " e.getMessage()).asRuntimeException();",
              "  }",
              "",
              "  @MeshExceptionHandler",
              "  static com.google.rpc.Status invalid(IllegalArgumentException e) {",
              "    return"
                  + " com.google.rpc.Status.newBuilder().setCode(3).setMessage(e.getMessage()).build();",
              "  }",
              "}"),
          source(
              "test.ext.OrderStore",
              "package test.ext;",
              "",
              "public final class OrderStore {",
              "  public static final class MissingOrderException extends RuntimeException {",
              "    private static final long serialVersionUID = 1L;",
              "",
              "    public MissingOrderException(String id) {",
              "      super(id);",
              "    }",
              "  }",
              "",
              "  @dev.datapunk.mesh.annotations.MeshFactory",
              "  public static OrderService orderService() {",
              "    return new OrderService(new OrderStore());",
              "  }",
              "}"),
          source(
              "test.ext.PingService",
              "package test.ext;",
              "",
              "@dev.datapunk.mesh.annotations.MeshService",
              "public class PingService extends test.ping.v1.PingServiceGrpc.PingServiceImplBase"
                  + " {}"),
          source(
              "test.ext.Errors",
              "package test.ext;",
              "",
              "import dev.datapunk.mesh.annotations.MeshAdvice;",
              "import dev.datapunk.mesh.annotations.MeshExceptionHandler;",
              "import io.grpc.Status;",
              "import io.grpc.StatusException;",
              "",
              "@MeshAdvice",
              "public final class Errors {",
              "  private Errors() {}",
              "",
              "  @MeshExceptionHandler",
              "  public static Status unavailable(java.io.IOException e) {",
              "    return Status.UNAVAILABLE.withDescription(\"try again\");",
              "  }",
              "",
              "  @MeshExceptionHandler",
              "  public static StatusException timedOut(java.net.SocketTimeoutException e) {",
              "    return Status.DEADLINE_EXCEEDED.asException();",
              "  }",
              "}"),
          source(
              "test.ext.Stages",
              "package test.ext;",
              "",
              "import dev.datapunk.mesh.annotations.MeshStage;",
              "import dev.datapunk.mesh.runtime.chain.CallStage;",
              "import dev.datapunk.mesh.runtime.policy.MethodPolicy;",
              "import io.grpc.ServerInterceptor;",
              "",
              "public final class Stages {",
              "  @MeshStage(order = 10)",
              "  public static final class Trace implements CallStage {",
              "    @Override",
              "    public ServerInterceptor interceptorFor(MethodPolicy policy) {",
              "      return null;",
              "    }",
              "  }",
              "",
              "  @MeshStage(services = OrderService.class)",
              "  public static final class Audit implements CallStage {",
              "    @Override",
              "    public ServerInterceptor interceptorFor(MethodPolicy policy) {",
              "      return null;",
              "    }",
              "  }",
              "",
              "  @MeshStage",
              "  public static final class Access implements CallStage {",
              "    @Override",
              "    public ServerInterceptor interceptorFor(MethodPolicy policy) {",
              "      return null;",
              "    }",
              "  }",
              "}"),
          source(
              "test.ext.DiskCheck",
              "package test.ext;",
              "",
              "@dev.datapunk.mesh.annotations.MeshHealthCheck",
              "public final class DiskCheck implements dev.datapunk.mesh.runtime.health.HealthCheck"
                  + " {",
              "  @Override",
              "  public String name() {",
              "    return \"disk\";",
              "  }",
              "",
              "  @Override",
              "  public boolean isHealthy() {",
              "    return true;",
              "  }",
              "}"));

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
  void extensionsMatchGoldenFiles() {
    Compilation compilation = javac().compile(EXTENDED);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.ext.OrderService_MeshBinding")
        .contentsAsUtf8String()
        .isEqualTo(golden("test/ext/OrderService_MeshBinding.java"));
    assertThat(compilation)
        .generatedSourceFile("test.ext.MeshMain")
        .contentsAsUtf8String()
        .isEqualTo(golden("test/ext/MeshMain.java"));
    assertThat(compilation)
        .generatedSourceFile("test.ext.PingService_MeshBinding")
        .contentsAsUtf8String()
        .doesNotContain("exceptionHandlers");
  }

  @Test
  void generatesExactlyTheBindingAndTheBootstrap() {
    Compilation compilation = javac().compile(ORDER_SERVICE);

    assertThat(compilation).succeeded();
    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.List.of(
            "/SOURCE_OUTPUT/test/app/MeshMain.java",
            "/SOURCE_OUTPUT/test/app/OrderService_MeshBinding.java"),
        compilation.generatedSourceFiles().stream()
            .map(JavaFileObject::getName)
            .sorted()
            .collect(java.util.stream.Collectors.toList()));
    assertThat(compilation).generatedFile(StandardLocation.CLASS_OUTPUT, "test/app/MeshMain.class");
  }
}
