package dev.datapunk.mesh.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.datapunk.mesh.processor.Sources.javac;
import static dev.datapunk.mesh.processor.Sources.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.datapunk.mesh.processor.model.Access;
import dev.datapunk.mesh.processor.model.DeclaredPolicy;
import dev.datapunk.mesh.processor.model.PolicyModel;
import dev.datapunk.mesh.processor.model.PolicyResolver;
import dev.datapunk.mesh.processor.model.RateLimitModel;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Policy resolution: a method-level annotation replaces the class-level one (never merged), and
 * {@code @Public} removes a class-level {@code @Secured} but keeps its {@code @RateLimit}. Checked
 * on the resolver, and on the real {@code MethodPolicy} objects the generated code builds.
 */
class PolicyResolutionTest {

  private static final RateLimitModel CLASS_LIMIT = new RateLimitModel(10, 20);
  private static final DeclaredPolicy CLASS_LEVEL =
      new DeclaredPolicy(Optional.of(List.of("a", "b")), false, Optional.of(CLASS_LIMIT));

  @Test
  void methodScopesReplaceClassScopes() {
    PolicyModel policy =
        PolicyResolver.resolve(
            CLASS_LEVEL, new DeclaredPolicy(Optional.of(List.of("c")), false, Optional.empty()));

    assertEquals(new PolicyModel(Access.SECURED, List.of("c"), Optional.of(CLASS_LIMIT)), policy);
  }

  @Test
  void publicRemovesClassScopesButKeepsClassLimit() {
    PolicyModel policy =
        PolicyResolver.resolve(
            CLASS_LEVEL, new DeclaredPolicy(Optional.empty(), true, Optional.empty()));

    assertEquals(new PolicyModel(Access.PUBLIC, List.of(), Optional.of(CLASS_LIMIT)), policy);
  }

  @Test
  void methodLimitReplacesClassLimit() {
    PolicyModel policy =
        PolicyResolver.resolve(
            CLASS_LEVEL,
            new DeclaredPolicy(Optional.empty(), false, Optional.of(new RateLimitModel(1, 1))));

    assertEquals(
        new PolicyModel(Access.SECURED, List.of("a", "b"), Optional.of(new RateLimitModel(1, 1))),
        policy);
  }

  @Test
  void nothingDeclaredIsOpenWithoutLimit() {
    assertEquals(
        new PolicyModel(Access.OPEN, List.of(), Optional.empty()),
        PolicyResolver.resolve(DeclaredPolicy.NONE, DeclaredPolicy.NONE));
  }

  private static final JavaFileObject SECURED_ORDERS =
      source(
          "test.app.SecuredOrders",
          "package test.app;",
          "import dev.datapunk.mesh.annotations.*;",
          "import io.grpc.stub.StreamObserver;",
          "import test.orders.v1.*;",
          "@MeshService",
          "@Secured(scopes = {\"a\", \"b\"})",
          "@RateLimit(rps = 10, burst = 20)",
          "public class SecuredOrders extends OrderServiceGrpc.OrderServiceImplBase {",
          "  @Override @Secured(scopes = \"c\")",
          "  public void getOrder(OrderRequest request, StreamObserver<Order> out) {}",
          "  @Override @Public",
          "  public void watchOrders(OrderRequest request, StreamObserver<Order> out) {}",
          "  @Override @RateLimit(rps = 0.25, burst = 1)",
          "  public StreamObserver<Order> uploadOrders(StreamObserver<Order> out) { return out; }",
          "}");
  private static final JavaFileObject OPEN_PING =
      source(
          "test.app.ping.OpenPing",
          "package test.app.ping;",
          "@dev.datapunk.mesh.annotations.MeshService",
          "public class OpenPing extends test.ping.v1.PingServiceGrpc.PingServiceImplBase {}");

  @Test
  void generatedBindingsCarryTheResolvedPolicies() throws Exception {
    Compilation compilation = javac().compile(SECURED_ORDERS, OPEN_PING);
    assertThat(compilation).succeededWithoutWarnings();

    List<MeshBinding> bindings = bootstrapBindings(compilation, "test.app.MeshMain");

    assertEquals(2, bindings.size());
    MeshBinding orders = bindings.get(0);
    assertEquals(
        List.of(
            List.of(
                "test.v1.OrderService/GetOrder",
                "SECURED",
                Set.of("c"),
                Optional.of(new RateLimitSpec(10, 20))),
            List.of(
                "test.v1.OrderService/WatchOrders",
                "PUBLIC",
                Set.of(),
                Optional.of(new RateLimitSpec(10, 20))),
            List.of(
                "test.v1.OrderService/UploadOrders",
                "SECURED",
                Set.of("a", "b"),
                Optional.of(new RateLimitSpec(0.25, 1))),
            List.of(
                "test.v1.OrderService/SyncOrders",
                "SECURED",
                Set.of("a", "b"),
                Optional.of(new RateLimitSpec(10, 20)))),
        summaries(orders));
    assertEquals(
        descriptorOrder(orders),
        orders.policies().stream().map(MethodPolicy::method).collect(Collectors.toList()),
        "the service's own descriptors, in order");

    MeshBinding ping = bindings.get(1);
    assertEquals(
        List.of(List.of("test.v1.PingService/Ping", "OPEN", Set.of(), Optional.empty())),
        summaries(ping));
    assertEquals(
        descriptorOrder(ping),
        ping.policies().stream().map(MethodPolicy::method).collect(Collectors.toList()));
  }

  /**
   * The Javadoc of each policy constant states the policy in the words the runtime logs it with at
   * start ({@link MethodPolicy#describe()}), so a policy reads the same in the code and in the log.
   */
  @Test
  void generatedJavadocStatesEachPolicyAsTheRuntimeDescribesIt() throws Exception {
    Compilation compilation = javac().compile(SECURED_ORDERS, OPEN_PING);
    assertThat(compilation).succeededWithoutWarnings();
    List<MeshBinding> bindings = bootstrapBindings(compilation, "test.app.MeshMain");
    List<String> sources =
        List.of("test.app.SecuredOrders_MeshBinding", "test.app.ping.OpenPing_MeshBinding");

    for (int i = 0; i < bindings.size(); i++) {
      String source =
          compilation
              .generatedSourceFile(sources.get(i))
              .orElseThrow()
              .getCharContent(false)
              .toString();
      List<String> javadoc =
          source
              .lines()
              .map(String::strip)
              .filter(line -> line.startsWith("* {@code ") && line.contains("/"))
              .map(line -> line.substring(2))
              .collect(Collectors.toList());
      List<String> described =
          bindings.get(i).policies().stream()
              .map(policy -> "{@code " + policy.fullMethodName() + "}: " + policy.describe() + ".")
              .collect(Collectors.toList());
      assertEquals(described, javadoc, sources.get(i));
    }
  }

  /** Per policy: full method name, access, required scopes, rate limit. */
  private static List<List<Object>> summaries(MeshBinding binding) {
    return binding.policies().stream()
        .map(
            p ->
                List.<Object>of(
                    p.fullMethodName(), p.access().name(), p.requiredScopes(), p.rateLimit()))
        .collect(Collectors.toList());
  }

  private static List<MethodDescriptor<?, ?>> descriptorOrder(MeshBinding binding) {
    return List.copyOf(binding.bindService().getServiceDescriptor().getMethods());
  }

  /** Loads the compiled bootstrap and calls its {@code bindings()}. */
  @SuppressWarnings("unchecked") // bindings() is declared to return List<MeshBinding>
  private static List<MeshBinding> bootstrapBindings(Compilation compilation, String bootstrap)
      throws Exception {
    Map<String, byte[]> classes = new HashMap<>();
    String prefix = "/CLASS_OUTPUT/";
    for (JavaFileObject file : compilation.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS && file.getName().startsWith(prefix)) {
        String name =
            file.getName().substring(prefix.length(), file.getName().length() - ".class".length());
        try (InputStream in = file.openInputStream()) {
          classes.put(name.replace('/', '.'), in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    ClassLoader loader =
        new ClassLoader(PolicyResolutionTest.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
          }
        };
    return (List<MeshBinding>) loader.loadClass(bootstrap).getMethod("bindings").invoke(null);
  }
}
