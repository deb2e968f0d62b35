package dev.datapunk.mesh.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.datapunk.mesh.processor.Sources.javac;
import static dev.datapunk.mesh.processor.Sources.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One test per validation rule: the exact message (tag included), its file and line, and that a
 * valid service in the same compilation still gets its binding (but no bootstrap is generated).
 */
class ValidationTest {

  static final JavaFileObject PING_SERVICE =
      source(
          "test.ok.PingService",
          "package test.ok;",
          "",
          "@dev.datapunk.mesh.annotations.MeshService",
          "public class PingService extends test.ping.v1.PingServiceGrpc.PingServiceImplBase {}");

  private static final String IMPORTS =
      "import dev.datapunk.mesh.annotations.*; import io.grpc.stub.StreamObserver; import"
          + " test.orders.v1.*;";

  /**
   * A source in package test.bad with the usual imports on line 2; {@code body} starts at line 3.
   */
  private static JavaFileObject bad(String simpleName, String... body) {
    String[] lines = new String[body.length + 2];
    lines[0] = "package test.bad;";
    lines[1] = IMPORTS;
    System.arraycopy(body, 0, lines, 2, body.length);
    return source("test.bad." + simpleName, lines);
  }

  static Compilation assertRejected(JavaFileObject bad, int line, String message) {
    Compilation compilation = javac().compile(bad, PING_SERVICE);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining(message).inFile(bad).onLine(line);
    assertEquals(List.of(message), errors(compilation), "every error of the compilation");
    assertEquals(
        List.of("test/ok/PingService_MeshBinding.java"),
        GeneratedSources.of(List.of(bad, PING_SERVICE)),
        "the valid service has its binding; a compilation with errors has no bootstrap");
    return compilation;
  }

  static List<String> errors(Compilation compilation) {
    return compilation.errors().stream().map(d -> d.getMessage(null)).collect(Collectors.toList());
  }

  static List<String> generated(Compilation compilation) {
    return compilation.generatedSourceFiles().stream()
        .map(JavaFileObject::getName)
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void serviceMustBeAClass() {
    assertRejected(
        bad("Api", "@MeshService", "public interface Api {}"),
        4,
        "[MeshServiceNotClass] @MeshService must be on a class that extends a gRPC ImplBase; Api is"
            + " an interface");
  }

  @Test
  void serviceMustNotBeAbstract() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public abstract class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        4,
        "[MeshServiceAbstract] @MeshService class Svc must not be abstract: the generated bootstrap"
            + " creates it with new");
  }

  @Test
  void serviceMustBePublic() {
    assertRejected(
        bad("Svc", "@MeshService", "class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        4,
        "[MeshServiceNotPublic] @MeshService class Svc must be public, and so must every class"
            + " enclosing it; Svc is not");
  }

  @Test
  void enclosingClassMustBePublic() {
    assertRejected(
        bad(
            "Outer",
            "class Outer {",
            "  @MeshService",
            "  public static class Svc extends OrderServiceGrpc.OrderServiceImplBase {}",
            "}"),
        5,
        "[MeshServiceNotPublic] @MeshService class Svc must be public, and so must every class"
            + " enclosing it; Outer is not");
  }

  @Test
  void serviceMustNotBeAnInnerClass() {
    assertRejected(
        bad(
            "Outer",
            "public class Outer {",
            "  @MeshService",
            "  public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}",
            "}"),
        5,
        "[MeshServiceNotStatic] @MeshService class Svc must be a top-level or static nested class;"
            + " it is an inner class (declare it static)");
  }

  @Test
  void serviceMustNotBeGeneric() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc<T> extends OrderServiceGrpc.OrderServiceImplBase {}"),
        4,
        "[MeshServiceGeneric] @MeshService class Svc must not declare type parameters: the"
            + " generated bootstrap creates it with new");
  }

  @Test
  void serviceNeedsAPublicNoArgConstructor() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  public Svc(String name) {}",
            "}"),
        4,
        "[MeshServiceConstructor] @MeshService class Svc needs a public constructor without"
            + " parameters that throws no checked exception: the generated bootstrap creates it"
            + " with new Svc(), unless a public static @MeshFactory method creates it");
  }

  @Test
  void serviceConstructorMustNotThrowCheckedExceptions() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  public Svc() throws java.io.IOException {}",
            "}"),
        5,
        "[MeshServiceConstructor] @MeshService class Svc needs a public constructor without"
            + " parameters that throws no checked exception: the generated bootstrap creates it"
            + " with new Svc(), unless a public static @MeshFactory method creates it");
  }

  @Test
  void serviceMustExtendAnImplBase() {
    assertRejected(
        bad("Svc", "@MeshService", "public class Svc extends java.util.ArrayList<String> {}"),
        4,
        "[MeshServiceNoImplBase] @MeshService class Svc must extend a protoc-generated gRPC"
            + " ImplBase (a class XxxGrpc.XxxImplBase implementing io.grpc.BindableService); it"
            + " extends java.util.ArrayList<java.lang.String>");
  }

  @Test
  void oneGrpcServiceIsBoundOnlyOnce() {
    JavaFileObject first =
        bad(
            "First",
            "@MeshService",
            "public class First extends OrderServiceGrpc.OrderServiceImplBase {}");
    JavaFileObject second =
        bad(
            "Second",
            "@MeshService",
            "public class Second extends OrderServiceGrpc.OrderServiceImplBase {}");
    Compilation compilation = javac().compile(first, second, PING_SERVICE);

    String message =
        "[MeshServiceDuplicate] @MeshService class Second implements gRPC service"
            + " test.v1.OrderService, which test.bad.First already implements; one server can bind"
            + " each gRPC service only once";
    assertThat(compilation).hadErrorContaining(message).inFile(second).onLine(4);
    assertEquals(List.of(message), errors(compilation));
    assertEquals(
        List.of("test/bad/First_MeshBinding.java", "test/ok/PingService_MeshBinding.java"),
        GeneratedSources.of(List.of(first, second, PING_SERVICE)));
  }

  @Test
  void rpsMustBePositive() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "@RateLimit(burst = 10,",
            "    rps = 0)",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        5,
        "[MeshRateLimitRps] @RateLimit rps must be > 0 and <= 1000000 (was 0)");
  }

  @Test
  void rpsMustNotExceedOneMillion() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @Override",
            "  @RateLimit(rps = 1000000.5, burst = 10)",
            "  public void getOrder(OrderRequest request, StreamObserver<Order> out) {}",
            "}"),
        6,
        "[MeshRateLimitRps] @RateLimit rps must be > 0 and <= 1000000 (was 1000000.5)");
  }

  @Test
  void rpsMustBeFinite() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "@RateLimit(rps = Double.NaN, burst = 10)",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        4,
        "[MeshRateLimitRps] @RateLimit rps must be > 0 and <= 1000000 (was NaN)");
  }

  @Test
  void burstMustBeAtLeastOne() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "@RateLimit(rps = 5,",
            "    burst = 0)",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        5,
        "[MeshRateLimitBurst] @RateLimit burst must be >= 1 and <= 1000000 (was 0)");
  }

  @Test
  void burstMustNotExceedOneMillion() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "@RateLimit(rps = 5, burst = 1000001)",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        4,
        "[MeshRateLimitBurst] @RateLimit burst must be >= 1 and <= 1000000 (was 1000001)");
  }

  @Test
  void securedNeedsAScope() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "@Secured(",
            "    scopes = {})",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        5,
        "[MeshSecuredNoScopes] @Secured must list at least one scope (use @Public on a method to"
            + " open it to callers without a token)");
  }

  @Test
  void scopeMustNotBeBlank() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "@Secured(scopes = {\"orders:read\",",
            "    \"  \"})",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        5,
        "[MeshSecuredBlankScope] @Secured scope must not be blank (was \"  \")");
  }

  @Test
  void scopeMustNotRepeat() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "@Secured(scopes = {\"orders:read\",",
            "    \"orders:read\"})",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        5,
        "[MeshSecuredDuplicateScope] @Secured scope \"orders:read\" is listed more than once");
  }

  @Test
  void scopeMustBeAnRfc6749Token() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @Override",
            "  @Secured(scopes = {\"orders:read\",",
            "      \"orders write\"})",
            "  public void getOrder(OrderRequest request, StreamObserver<Order> out) {}",
            "}"),
        7,
        "[MeshSecuredScopeSyntax] @Secured scope \"orders write\" contains ' ' (U+0020) at index 6;"
            + " a scope (RFC 6749 section 3.3) may contain only printable ASCII characters other"
            + " than space, '\"' and '\\'");
  }

  @Test
  void scopeSyntaxNamesNonAsciiCharacters() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "@Secured(scopes = \"caf\\u00e9\")",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        4,
        "[MeshSecuredScopeSyntax] @Secured scope \"caf\\u00E9\" contains U+00E9 at index 3; a scope"
            + " (RFC 6749 section 3.3) may contain only printable ASCII characters other than"
            + " space, '\"' and '\\'");
  }

  @Test
  void classAnnotationOutsideService() {
    assertRejected(
        bad("Helper", "@RateLimit(rps = 5, burst = 5)", "public class Helper {}"),
        3,
        "[MeshAnnotationOutsideService] @RateLimit has effect only on a @MeshService class and its"
            + " RPC methods; Helper is not annotated @MeshService");
  }

  @Test
  void methodAnnotationOutsideService() {
    assertRejected(
        bad(
            "Plain",
            "public class Plain extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @Override",
            "  @Public",
            "  public void getOrder(OrderRequest request, StreamObserver<Order> out) {}",
            "}"),
        5,
        "[MeshAnnotationOutsideService] @Public has effect only on a @MeshService class and its RPC"
            + " methods; Plain is not annotated @MeshService");
  }

  @Test
  void annotationOnHelperMethod() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @Secured(scopes = \"orders:read\")",
            "  public void audit() {}",
            "}"),
        5,
        "[MeshAnnotationNotRpcMethod] @Secured may only be on a method that overrides an RPC method"
            + " of OrderServiceImplBase (getOrder, watchOrders, uploadOrders, syncOrders); audit()"
            + " does not");
  }

  @Test
  void annotationOnOverload() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @Public",
            "  public void getOrder(String id) {}",
            "}"),
        5,
        "[MeshAnnotationNotRpcMethod] @Public may only be on a method that overrides an RPC method"
            + " of OrderServiceImplBase (getOrder, watchOrders, uploadOrders, syncOrders);"
            + " getOrder(java.lang.String) does not");
  }

  @Test
  void annotationOnStaticMethod() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @RateLimit(rps = 1, burst = 1)",
            "  public static void getOrder(OrderRequest request, StreamObserver<Order> out) {}",
            "}"),
        5,
        "[MeshAnnotationNotRpcMethod] @RateLimit may only be on a method that overrides an RPC"
            + " method of OrderServiceImplBase (getOrder, watchOrders, uploadOrders, syncOrders);"
            + " getOrder(test.orders.v1.OrderRequest,io.grpc.stub.StreamObserver<test.orders.v1.Order>)"
            + " does not");
  }

  @Test
  void publicAndSecuredOnOneMethod() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @Override",
            "  @Secured(scopes = \"orders:read\")",
            "  @Public",
            "  public void getOrder(OrderRequest request, StreamObserver<Order> out) {}",
            "}"),
        7,
        "[MeshPublicAndSecured] @Public and @Secured must not both be on method getOrder: @Public"
            + " needs no token, @Secured requires one");
  }

  @Test
  void stubWithoutServiceNameIsRejected() {
    JavaFileObject fakeGrpc =
        source(
            "test.fake.FakeGrpc",
            "package test.fake;",
            "public final class FakeGrpc {",
            "  public abstract static class FakeImplBase implements io.grpc.BindableService {}",
            "}");
    JavaFileObject bad =
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends test.fake.FakeGrpc.FakeImplBase {",
            "  @Override public io.grpc.ServerServiceDefinition bindService() { return null; }",
            "}");
    Compilation compilation = javac().compile(fakeGrpc, bad, PING_SERVICE);

    String message =
        "[MeshStubUnreadable] test.fake.FakeGrpc has no String constant SERVICE_NAME, so it was"
            + " not generated by a supported protoc-gen-grpc-java; regenerate the gRPC stubs with"
            + " protoc-gen-grpc-java 1.20 or newer";
    assertThat(compilation).hadErrorContaining(message).inFile(bad).onLine(4);
    assertEquals(List.of(message), errors(compilation));
    assertEquals(
        List.of("test/ok/PingService_MeshBinding.java"),
        GeneratedSources.of(List.of(fakeGrpc, bad, PING_SERVICE)));
  }

  @Test
  void badBootstrapOption() {
    Compilation compilation =
        javac().withOptions("-Amesh.bootstrap=com.example.1Main").compile(PING_SERVICE);

    String message =
        "[MeshBootstrapName] -Amesh.bootstrap must be a qualified Java class name such as"
            + " com.example.MeshMain (was \"com.example.1Main\")";
    assertEquals(List.of(message), errors(compilation));
    assertEquals(
        null, compilation.errors().get(0).getSource(), "a compilation-wide error has no file");
    assertEquals(
        List.of("test/ok/PingService_MeshBinding.java"),
        GeneratedSources.of(List.of(PING_SERVICE), "-Amesh.bootstrap=com.example.1Main"));
  }

  @Test
  void bootstrapNeedsACommonPackage() {
    JavaFileObject other =
        source(
            "other.OrderSvc",
            "package other;",
            "@dev.datapunk.mesh.annotations.MeshService",
            "public class OrderSvc extends test.orders.v1.OrderServiceGrpc.OrderServiceImplBase"
                + " {}");
    Compilation compilation = javac().compile(other, PING_SERVICE);

    assertEquals(
        List.of(
            "[MeshBootstrapPackage] the generated bootstrap needs a package that contains every"
                + " mesh service, but other, test.ok have none in common; name the bootstrap class"
                + " with -Amesh.bootstrap=<package>.<Class>"),
        errors(compilation));
    assertEquals(
        List.of("other/OrderSvc_MeshBinding.java", "test/ok/PingService_MeshBinding.java"),
        GeneratedSources.of(List.of(other, PING_SERVICE)));
  }

  @Test
  void bootstrapOptionNamesTheBootstrap() {
    JavaFileObject other =
        source(
            "other.OrderSvc",
            "package other;",
            "@dev.datapunk.mesh.annotations.MeshService",
            "public class OrderSvc extends test.orders.v1.OrderServiceGrpc.OrderServiceImplBase"
                + " {}");
    Compilation compilation =
        javac().withOptions("-Amesh.bootstrap=app.Main").compile(other, PING_SERVICE);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("app.Main")
        .contentsAsUtf8String()
        .contains(
            """
                return List.of(
                    new OrderSvc_MeshBinding(new OrderSvc()),
                    new PingService_MeshBinding(new PingService()));
            """);
  }

  @Test
  void bootstrapIsInTheLongestCommonPackage() {
    JavaFileObject nested =
        source(
            "test.ok.deep.OrderSvc",
            "package test.ok.deep;",
            "public class OrderSvc {",
            "  @dev.datapunk.mesh.annotations.MeshService",
            "  public static class Impl extends"
                + " test.orders.v1.OrderServiceGrpc.OrderServiceImplBase {}",
            "}");
    Compilation compilation = javac().compile(nested, PING_SERVICE);

    assertThat(compilation).succeededWithoutWarnings();
    assertEquals(
        List.of(
            "/SOURCE_OUTPUT/test/ok/MeshMain.java",
            "/SOURCE_OUTPUT/test/ok/PingService_MeshBinding.java",
            "/SOURCE_OUTPUT/test/ok/deep/OrderSvc_Impl_MeshBinding.java"),
        generated(compilation));
    assertThat(compilation)
        .generatedSourceFile("test.ok.MeshMain")
        .contentsAsUtf8String()
        .contains("new OrderSvc_Impl_MeshBinding(new OrderSvc.Impl())");
  }

  @Test
  void errorsAreNotWarnings() {
    Compilation compilation =
        javac()
            .compile(
                bad(
                    "Svc",
                    "@MeshService",
                    "@RateLimit(rps = 0, burst = 0)",
                    "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
                PING_SERVICE);

    assertEquals(
        2,
        compilation.diagnostics().stream()
            .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
            .count());
    assertEquals(0, compilation.warnings().size());
  }
}
