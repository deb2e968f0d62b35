package dev.datapunk.mesh.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.datapunk.mesh.processor.Sources.javac;
import static dev.datapunk.mesh.processor.Sources.source;
import static dev.datapunk.mesh.processor.ValidationTest.PING_SERVICE;
import static dev.datapunk.mesh.processor.ValidationTest.assertRejected;
import static dev.datapunk.mesh.processor.ValidationTest.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per rule of the extension points (exception handlers, advice, stages, health checks,
 * factories): the exact message (tag included), its file and line, and that a valid service in the
 * same compilation still gets its binding but no bootstrap is generated.
 */
class ExtensionValidationTest {

  private static final String IMPORTS =
      "import dev.datapunk.mesh.annotations.*; import io.grpc.*; import test.orders.v1.*; import"
          + " dev.datapunk.mesh.runtime.chain.CallStage; import"
          + " dev.datapunk.mesh.runtime.health.HealthCheck; import"
          + " dev.datapunk.mesh.runtime.policy.MethodPolicy;";

  private static final String HANDLER_RULE =
      "; a handler takes the exception it handles (a subtype of java.lang.Exception), optionally"
          + " followed by io.grpc.Metadata, returns io.grpc.Status, io.grpc.StatusRuntimeException,"
          + " io.grpc.StatusException or com.google.rpc.Status, declares no type parameters and"
          + " throws no checked exception";

  private static final String FACTORY_RULE =
      "; a factory is public static in a public class (enclosed only by public classes), takes no"
          + " parameters, declares no type parameters, throws no checked exception and returns a"
          + " @MeshService class of this compilation";

  /**
   * A source in package test.bad with the imports above on line 2; {@code body} starts at line 3.
   */
  private static JavaFileObject bad(String simpleName, String... body) {
    String[] lines = new String[body.length + 2];
    lines[0] = "package test.bad;";
    lines[1] = IMPORTS;
    System.arraycopy(body, 0, lines, 2, body.length);
    return source("test.bad." + simpleName, lines);
  }

  /** A valid service of package test.bad, for stages and factories to name. */
  private static final String[] ORDER_SERVICE = {
    "@MeshService", "public class Orders extends OrderServiceGrpc.OrderServiceImplBase {}"
  };

  /**
   * Like {@link ValidationTest#assertRejected}, for a bad extension next to a valid service of the
   * same source ({@code binding}), which still gets its binding: the error is the extension's.
   */
  private static void assertRejectedBesideBinding(
      JavaFileObject bad, int line, String message, String binding) {
    Compilation compilation = javac().compile(bad, PING_SERVICE);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining(message).inFile(bad).onLine(line);
    assertEquals(List.of(message), errors(compilation), "every error of the compilation");
    assertEquals(
        List.of(binding, "test/ok/PingService_MeshBinding.java"),
        GeneratedSources.of(List.of(bad, PING_SERVICE)),
        "bindings, and no bootstrap");
  }

  // ---- @MeshExceptionHandler signatures

  @Test
  void handlerMustReturnAStatus() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  void notFound(IllegalStateException e) {}",
            "}"),
        6,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method"
            + " Svc.notFound(java.lang.IllegalStateException) returns void"
            + HANDLER_RULE);
  }

  @Test
  void handlerMustTakeAnException() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  Status notFound(",
            "      String sku) {",
            "    return Status.NOT_FOUND;",
            "  }",
            "}"),
        7,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method"
            + " Svc.notFound(java.lang.String) takes java.lang.String first, which is not a subtype"
            + " of java.lang.Exception"
            + HANDLER_RULE);
  }

  @Test
  void handlerMustNotHandleErrors() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  Status oom(OutOfMemoryError e) {",
            "    return Status.RESOURCE_EXHAUSTED;",
            "  }",
            "}"),
        6,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method"
            + " Svc.oom(java.lang.OutOfMemoryError) takes java.lang.OutOfMemoryError first, which"
            + " is not a subtype of java.lang.Exception"
            + HANDLER_RULE);
  }

  @Test
  void serviceHandlerExceptionMustBeNameableByTheBinding() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  private static final class Oops extends RuntimeException {",
            "    private static final long serialVersionUID = 1L;",
            "  }",
            "  @MeshExceptionHandler",
            "  Status oops(",
            "      Oops e) {",
            "    return Status.INTERNAL;",
            "  }",
            "}"),
        10,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method Svc.oops(test.bad.Svc.Oops)"
            + " takes test.bad.Svc.Oops, which the generated binding cannot name: Oops is private"
            + HANDLER_RULE);
  }

  @Test
  void globalHandlerExceptionMustBePublic() {
    assertRejected(
        bad(
            "Errors",
            "@MeshAdvice",
            "public class Errors {",
            "  static final class Oops extends RuntimeException {",
            "    private static final long serialVersionUID = 1L;",
            "  }",
            "  @MeshExceptionHandler",
            "  public static Status oops(Oops e) {",
            "    return Status.INTERNAL;",
            "  }",
            "}"),
        9,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method"
            + " Errors.oops(test.bad.Errors.Oops) takes test.bad.Errors.Oops, which the generated"
            + " bootstrap cannot name: Oops is not public"
            + HANDLER_RULE);
  }

  @Test
  void handlerSecondParameterMustBeTheTrailers() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  Status notFound(IllegalStateException e,",
            "      String trailers) {",
            "    return Status.NOT_FOUND;",
            "  }",
            "}"),
        7,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method"
            + " Svc.notFound(java.lang.IllegalStateException,java.lang.String) takes"
            + " java.lang.String second, not io.grpc.Metadata"
            + HANDLER_RULE);
  }

  @Test
  void handlerTakesOneOrTwoParameters() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  Status any() {",
            "    return Status.INTERNAL;",
            "  }",
            "}"),
        6,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method Svc.any() takes 0 parameters"
            + HANDLER_RULE);
  }

  @Test
  void handlerMustNotThrowCheckedExceptions() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  Status notFound(IllegalStateException e) throws java.io.IOException {",
            "    return Status.NOT_FOUND;",
            "  }",
            "}"),
        6,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method"
            + " Svc.notFound(java.lang.IllegalStateException) throws checked exception"
            + " java.io.IOException"
            + HANDLER_RULE);
  }

  @Test
  void handlerMustNotBeGeneric() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  <E extends RuntimeException> Status any(E e) {",
            "    return Status.INTERNAL;",
            "  }",
            "}"),
        6,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method Svc.<E>any(E) declares type"
            + " parameters"
            + HANDLER_RULE);
  }

  @Test
  void serviceHandlerMustNotBePrivate() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  private Status notFound(IllegalStateException e) {",
            "    return Status.NOT_FOUND;",
            "  }",
            "}"),
        6,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method"
            + " Svc.notFound(java.lang.IllegalStateException) is private, but the generated binding"
            + " calls it"
            + HANDLER_RULE);
  }

  @Test
  void globalHandlerMustBePublicStatic() {
    assertRejected(
        bad(
            "Errors",
            "@MeshAdvice",
            "public class Errors {",
            "  @MeshExceptionHandler",
            "  public Status notFound(IllegalStateException e) {",
            "    return Status.NOT_FOUND;",
            "  }",
            "}"),
        6,
        "[MeshExceptionHandlerSignature] @MeshExceptionHandler method"
            + " Errors.notFound(java.lang.IllegalStateException) is not public static, but a"
            + " @MeshAdvice class is never instantiated and the generated bootstrap calls its"
            + " handlers"
            + HANDLER_RULE);
  }

  // ---- @MeshExceptionHandler duplicates and placement

  @Test
  void aServiceMapsEachExceptionTypeOnce() {
    assertRejected(
        bad(
            "Svc",
            "@MeshService",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  Status first(IllegalStateException e) {",
            "    return Status.NOT_FOUND;",
            "  }",
            "  @MeshExceptionHandler",
            "  static Status second(IllegalStateException e, Metadata trailers) {",
            "    return Status.INTERNAL;",
            "  }",
            "}"),
        10,
        "[MeshExceptionHandlerDuplicate] @MeshExceptionHandler methods"
            + " Svc.second(java.lang.IllegalStateException,io.grpc.Metadata) and"
            + " Svc.first(java.lang.IllegalStateException) both handle"
            + " java.lang.IllegalStateException in service Svc; a scope maps each exception type"
            + " once");
  }

  @Test
  void allAdviceClassesTogetherMapEachExceptionTypeOnce() {
    JavaFileObject first =
        bad(
            "Errors",
            "@MeshAdvice",
            "public class Errors {",
            "  @MeshExceptionHandler",
            "  public static Status invalid(IllegalArgumentException e) {",
            "    return Status.INVALID_ARGUMENT;",
            "  }",
            "}");
    JavaFileObject second =
        bad(
            "MoreErrors",
            "@MeshAdvice",
            "public class MoreErrors {",
            "  @MeshExceptionHandler",
            "  public static Status alsoInvalid(IllegalArgumentException e) {",
            "    return Status.FAILED_PRECONDITION;",
            "  }",
            "}");
    Compilation compilation = javac().compile(first, second, PING_SERVICE);

    String message =
        "[MeshExceptionHandlerDuplicate] @MeshExceptionHandler methods"
            + " MoreErrors.alsoInvalid(java.lang.IllegalArgumentException) and"
            + " Errors.invalid(java.lang.IllegalArgumentException) both handle"
            + " java.lang.IllegalArgumentException in the @MeshAdvice classes; a scope maps each"
            + " exception type once";
    assertThat(compilation).hadErrorContaining(message).inFile(second).onLine(6);
    assertEquals(List.of(message), errors(compilation));
    assertEquals(
        List.of("test/ok/PingService_MeshBinding.java"),
        GeneratedSources.of(List.of(first, second, PING_SERVICE)));
  }

  @Test
  void aServiceHandlerAndAGlobalOneMayHandleTheSameType() {
    Compilation compilation =
        javac()
            .compile(
                bad(
                    "Errors",
                    "@MeshAdvice",
                    "public class Errors {",
                    "  @MeshExceptionHandler",
                    "  public static Status invalid(IllegalArgumentException e) {",
                    "    return Status.INVALID_ARGUMENT;",
                    "  }",
                    "}"),
                bad(
                    "Svc",
                    "@MeshService",
                    "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {",
                    "  @MeshExceptionHandler",
                    "  Status invalid(IllegalArgumentException e) {",
                    "    return Status.FAILED_PRECONDITION;",
                    "  }",
                    "}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.bad.Svc_MeshBinding")
        .contentsAsUtf8String()
        .contains("service.invalid(exception)");
    assertThat(compilation)
        .generatedSourceFile("test.bad.MeshMain")
        .contentsAsUtf8String()
        .contains("Errors.invalid(exception)");
  }

  @Test
  void handlerOutsideServiceAndAdviceIsUnreachable() {
    assertRejected(
        bad(
            "Helper",
            "public class Helper {",
            "  @MeshExceptionHandler",
            "  public static Status notFound(IllegalStateException e) {",
            "    return Status.NOT_FOUND;",
            "  }",
            "}"),
        4,
        "[MeshExceptionHandlerUnreachable] @MeshExceptionHandler method"
            + " Helper.notFound(java.lang.IllegalStateException) never runs: Helper is neither a"
            + " @MeshService class (whose handlers apply to its calls) nor a @MeshAdvice class"
            + " (whose handlers apply to every service), and handlers are not inherited");
  }

  @Test
  void handlersAreNotInheritedFromASuperclassOfTheService() {
    JavaFileObject base =
        bad(
            "Base",
            "public abstract class Base extends OrderServiceGrpc.OrderServiceImplBase {",
            "  @MeshExceptionHandler",
            "  Status notFound(IllegalStateException e) {",
            "    return Status.NOT_FOUND;",
            "  }",
            "}");
    JavaFileObject service = bad("Svc", "@MeshService", "public class Svc extends Base {}");
    Compilation compilation = javac().compile(base, service);

    String message =
        "[MeshExceptionHandlerUnreachable] @MeshExceptionHandler method"
            + " Base.notFound(java.lang.IllegalStateException) never runs: Base is neither a"
            + " @MeshService class (whose handlers apply to its calls) nor a @MeshAdvice class"
            + " (whose handlers apply to every service), and handlers are not inherited";
    assertThat(compilation).hadErrorContaining(message).inFile(base).onLine(4);
    assertEquals(List.of(message), errors(compilation));
  }

  // ---- @MeshAdvice

  @Test
  void adviceMustBeAClass() {
    assertRejected(
        bad("Errors", "@MeshAdvice", "public interface Errors {}"),
        3,
        "[MeshAdviceClass] @MeshAdvice must be on a class that is public, as is every class"
            + " enclosing it, since the generated bootstrap calls its handlers; Errors is an"
            + " interface");
  }

  @Test
  void adviceMustBeReachable() {
    assertRejected(
        bad("Outer", "class Outer {", "  @MeshAdvice", "  public static class Errors {}", "}"),
        4,
        "[MeshAdviceClass] @MeshAdvice must be on a class that is public, as is every class"
            + " enclosing it, since the generated bootstrap calls its handlers; Outer is not"
            + " public");
  }

  @Test
  void adviceMustNotBeOnAService() {
    assertRejectedBesideBinding(
        bad(
            "Svc",
            "@MeshService",
            "@MeshAdvice",
            "public class Svc extends OrderServiceGrpc.OrderServiceImplBase {}"),
        4,
        "[MeshAdviceOnService] @MeshAdvice must not be on @MeshService class Svc: the handlers of a"
            + " service class apply to that service only; put global handlers in a class of their"
            + " own",
        "test/bad/Svc_MeshBinding.java");
  }

  // ---- @MeshStage

  @Test
  void stageMustBeCreatable() {
    assertRejected(
        bad("Stage", "@MeshStage", "public abstract class Stage implements CallStage {}"),
        4,
        "[MeshStageClass] @MeshStage must be on a concrete, non-generic, top-level or static nested"
            + " class that is public, as is every class enclosing it, since the generated bootstrap"
            + " creates it with new; Stage is abstract");
  }

  @Test
  void stageMustNotBeAnInnerClass() {
    assertRejected(
        bad(
            "Outer",
            "public class Outer {",
            "  @MeshStage",
            "  public class Stage implements CallStage {",
            "    public ServerInterceptor interceptorFor(MethodPolicy policy) {",
            "      return null;",
            "    }",
            "  }",
            "}"),
        5,
        "[MeshStageClass] @MeshStage must be on a concrete, non-generic, top-level or static nested"
            + " class that is public, as is every class enclosing it, since the generated bootstrap"
            + " creates it with new; Stage is an inner class (declare it static)");
  }

  @Test
  void stageMustImplementCallStage() {
    assertRejected(
        bad(
            "Stage",
            "@MeshStage",
            "public class Stage implements ServerInterceptor {",
            "  public <Q, R> ServerCall.Listener<Q> interceptCall(",
            "      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {",
            "    return next.startCall(call, headers);",
            "  }",
            "}"),
        4,
        "[MeshStageType] @MeshStage class Stage must implement"
            + " dev.datapunk.mesh.runtime.chain.CallStage, which gives each method's interceptor");
  }

  @Test
  void stageNeedsANoArgConstructor() {
    assertRejected(
        bad(
            "Stage",
            "@MeshStage",
            "public class Stage implements CallStage {",
            "  public Stage(String name) {}",
            "  public ServerInterceptor interceptorFor(MethodPolicy policy) {",
            "    return null;",
            "  }",
            "}"),
        4,
        "[MeshStageConstructor] @MeshStage class Stage needs a public constructor without"
            + " parameters that throws no checked exception: the generated bootstrap creates it"
            + " with new Stage()");
  }

  @Test
  void stageServicesMustBeMeshServices() {
    assertRejected(
        bad(
            "Stage",
            "@MeshStage(services = {test.ok.PingService.class,",
            "    String.class})",
            "public class Stage implements CallStage {",
            "  public ServerInterceptor interceptorFor(MethodPolicy policy) {",
            "    return null;",
            "  }",
            "}"),
        4,
        "[MeshStageService] @MeshStage services must name @MeshService classes of this compilation,"
            + " each once; java.lang.String is not one");
  }

  @Test
  void stageServicesAreListedOnce() {
    assertRejected(
        bad(
            "Stage",
            "@MeshStage(services = {test.ok.PingService.class,",
            "    test.ok.PingService.class})",
            "public class Stage implements CallStage {",
            "  public ServerInterceptor interceptorFor(MethodPolicy policy) {",
            "    return null;",
            "  }",
            "}"),
        4,
        "[MeshStageService] @MeshStage services must name @MeshService classes of this compilation,"
            + " each once; test.ok.PingService is listed twice");
  }

  @Test
  void stageServicesMustBeOfThisCompilation(@TempDir Path library) {
    JavaFileObject stage =
        bad(
            "Stage",
            "@MeshStage(services = {test.ok.PingService.class,",
            "    lib.LibService.class})",
            "public class Stage implements CallStage {",
            "  public ServerInterceptor interceptorFor(MethodPolicy policy) {",
            "    return null;",
            "  }",
            "}");
    Compilation compilation =
        javac()
            .withClasspath(classPathWith(compiledLibraryService(library)))
            .compile(stage, PING_SERVICE);

    String message =
        "[MeshStageService] @MeshStage services must name @MeshService classes of this compilation,"
            + " each once; lib.LibService is not one";
    assertThat(compilation).hadErrorContaining(message).inFile(stage).onLine(4);
    assertEquals(List.of(message), errors(compilation));
  }

  // ---- @MeshHealthCheck

  @Test
  void healthCheckMustBeCreatable() {
    assertRejected(
        bad(
            "Outer",
            "public class Outer {",
            "  @MeshHealthCheck",
            "  static class Check implements HealthCheck {",
            "    public String name() {",
            "      return \"check\";",
            "    }",
            "    public boolean isHealthy() {",
            "      return true;",
            "    }",
            "  }",
            "}"),
        5,
        "[MeshHealthCheckClass] @MeshHealthCheck must be on a concrete, non-generic, top-level or"
            + " static nested class that is public, as is every class enclosing it, since the"
            + " generated bootstrap creates it with new; Check is not public");
  }

  @Test
  void healthCheckMustImplementHealthCheck() {
    assertRejected(
        bad(
            "Check",
            "@MeshHealthCheck",
            "public class Check implements java.util.function.BooleanSupplier {",
            "  public boolean getAsBoolean() {",
            "    return true;",
            "  }",
            "}"),
        4,
        "[MeshHealthCheckType] @MeshHealthCheck class Check must implement"
            + " dev.datapunk.mesh.runtime.health.HealthCheck");
  }

  @Test
  void healthCheckConstructorMustNotThrowCheckedExceptions() {
    assertRejected(
        bad(
            "Check",
            "@MeshHealthCheck",
            "public class Check implements HealthCheck {",
            "  public Check() throws java.io.IOException {}",
            "  public String name() {",
            "    return \"check\";",
            "  }",
            "  public boolean isHealthy() {",
            "    return true;",
            "  }",
            "}"),
        5,
        "[MeshHealthCheckConstructor] @MeshHealthCheck class Check needs a public constructor"
            + " without parameters that throws no checked exception: the generated bootstrap"
            + " creates it with new Check()");
  }

  // ---- @MeshFactory

  @Test
  void factoryMustBePublicStatic() {
    assertRejectedBesideBinding(
        bad(
            "Orders",
            ORDER_SERVICE[0],
            ORDER_SERVICE[1].replace("{}", "{"),
            "  @MeshFactory",
            "  public Orders create() {",
            "    return new Orders();",
            "  }",
            "}"),
        6,
        "[MeshFactorySignature] @MeshFactory method Orders.create() is not public static"
            + FACTORY_RULE,
        "test/bad/Orders_MeshBinding.java");
  }

  @Test
  void factoryMustReturnAMeshService() {
    assertRejected(
        bad(
            "Factories",
            "public class Factories {",
            "  @MeshFactory",
            "  public static OrderServiceGrpc.OrderServiceImplBase create() {",
            "    return null;",
            "  }",
            "}"),
        5,
        "[MeshFactorySignature] @MeshFactory method Factories.create() returns"
            + " test.orders.v1.OrderServiceGrpc.OrderServiceImplBase, which is not a @MeshService"
            + " class"
            + FACTORY_RULE);
  }

  @Test
  void factoryTakesNoParameters() {
    assertRejected(
        bad(
            "Factories",
            "public class Factories {",
            "  @MeshFactory",
            "  public static test.ok.PingService create(String name) {",
            "    return new test.ok.PingService();",
            "  }",
            "}"),
        5,
        "[MeshFactorySignature] @MeshFactory method Factories.create(java.lang.String) takes 1"
            + " parameters"
            + FACTORY_RULE);
  }

  @Test
  void factoryMustBeReachable() {
    assertRejected(
        bad(
            "Factories",
            "class Factories {",
            "  @MeshFactory",
            "  public static test.ok.PingService create() {",
            "    return new test.ok.PingService();",
            "  }",
            "}"),
        5,
        "[MeshFactorySignature] @MeshFactory method Factories.create() is in a class the bootstrap"
            + " cannot call: Factories is not public"
            + FACTORY_RULE);
  }

  @Test
  void factoryMustNotThrowCheckedExceptions() {
    assertRejected(
        bad(
            "Factories",
            "public class Factories {",
            "  @MeshFactory",
            "  public static test.ok.PingService create() throws java.io.IOException {",
            "    return new test.ok.PingService();",
            "  }",
            "}"),
        5,
        "[MeshFactorySignature] @MeshFactory method Factories.create() throws checked exception"
            + " java.io.IOException"
            + FACTORY_RULE);
  }

  @Test
  void factoryMustCreateAServiceOfThisCompilation(@TempDir Path library) {
    JavaFileObject factory =
        bad(
            "Factories",
            "public class Factories {",
            "  @MeshFactory",
            "  public static lib.LibService create() {",
            "    return new lib.LibService();",
            "  }",
            "}");
    Compilation compilation =
        javac()
            .withClasspath(classPathWith(compiledLibraryService(library)))
            .compile(factory, PING_SERVICE);

    String message =
        "[MeshFactorySignature] @MeshFactory method Factories.create() returns lib.LibService,"
            + " which is not a @MeshService class of this compilation"
            + FACTORY_RULE;
    assertThat(compilation).hadErrorContaining(message).inFile(factory).onLine(5);
    assertEquals(List.of(message), errors(compilation));
  }

  /**
   * Compiles a @MeshService {@code lib.LibService} into {@code directory}, as a library jar would
   * hold it.
   */
  private static Path compiledLibraryService(Path directory) {
    Compilation library =
        javac()
            .compile(
                source(
                    "lib.LibService",
                    "package lib;",
                    "@dev.datapunk.mesh.annotations.MeshService",
                    "public class LibService extends"
                        + " test.ping.v1.PingServiceGrpc.PingServiceImplBase {}"));
    assertThat(library).succeeded();
    for (JavaFileObject file : library.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        Path target = directory.resolve(file.getName().replaceFirst("^/CLASS_OUTPUT/", ""));
        try (InputStream in = file.openInputStream()) {
          Files.createDirectories(target.getParent());
          Files.copy(in, target);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return directory;
  }

  private static List<File> classPathWith(Path directory) {
    List<File> entries = new ArrayList<>();
    entries.add(directory.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      entries.add(new File(entry));
    }
    return entries;
  }

  @Test
  void aServiceHasAtMostOneFactory() {
    assertRejected(
        bad(
            "Factories",
            "public class Factories {",
            "  @MeshFactory",
            "  public static test.ok.PingService create() {",
            "    return new test.ok.PingService();",
            "  }",
            "  @MeshFactory",
            "  public static test.ok.PingService createAgain() {",
            "    return new test.ok.PingService();",
            "  }",
            "}"),
        9,
        "[MeshFactoryDuplicate] @MeshFactory methods Factories.createAgain() and Factories.create()"
            + " both create test.ok.PingService; a service has at most one factory");
  }

  @Test
  void aFactoryLiftsTheNoArgConstructorRule() {
    Compilation compilation =
        javac()
            .compile(
                bad(
                    "Orders",
                    "@MeshService",
                    "public class Orders extends OrderServiceGrpc.OrderServiceImplBase {",
                    "  private final String name;",
                    "  public Orders(String name) {",
                    "    this.name = name;",
                    "  }",
                    "  @MeshFactory",
                    "  public static Orders create() {",
                    "    return new Orders(\"orders\");",
                    "  }",
                    "}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.bad.MeshMain")
        .contentsAsUtf8String()
        .contains("new Orders_MeshBinding(Orders.create())");
  }

  // ---- extensions need a service

  @Test
  void extensionsWithoutAnyServiceAreReported() {
    JavaFileObject stage =
        bad(
            "Stage",
            "@MeshStage",
            "public class Stage implements CallStage {",
            "  public ServerInterceptor interceptorFor(MethodPolicy policy) {",
            "    return null;",
            "  }",
            "}");
    Compilation compilation = javac().compile(stage);

    String message =
        "[MeshExtensionWithoutService] @MeshStage on Stage has no effect: this compilation has no"
            + " @MeshService, so no bootstrap is generated to wire it";
    assertThat(compilation).hadErrorContaining(message).inFile(stage).onLine(3);
    assertEquals(List.of(message), errors(compilation));
  }
}
