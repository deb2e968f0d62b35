package dev.datapunk.mesh.test;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension running a {@link MeshTestServer}: mesh services in-process behind the
 * production call chain, with test tokens, peer identities, a controllable clock and typed stubs.
 *
 * <pre>{@code
 * @RegisterExtension
 * final MeshTestExtension mesh = MeshTestExtension.of(MeshMain::module);
 *
 * @Test
 * void readsNeedTheReadScope() {
 *   var stub = mesh.withToken(mesh.token("alice", "inventory:write")).stub(InventoryServiceGrpc::newBlockingStub);
 *   var denied = assertThrows(StatusRuntimeException.class, () -> stub.getItem(request));
 *   assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
 * }
 * }</pre>
 *
 * <p>Registered on an instance field, it starts a server before each test and closes it after,
 * whether the test passed or failed (a fresh server, clock and key, and fresh services when the
 * module comes from a supplier such as {@code MeshMain::module} or is created by the field).
 * Registered on a {@code static} field, it starts one server before the first test of the class and
 * closes it after the last; the tests then share its state (service data, token buckets, clock).
 */
public final class MeshTestExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  private final MeshTestServer.Builder builder;
  private MeshTestServer current;
  private boolean perClass;

  private MeshTestExtension(MeshTestServer.Builder builder) {
    this.builder = builder;
  }

  /**
   * An extension serving {@code module}, e.g. the generated {@code MeshMain.module()}, with the
   * defaults.
   */
  public static MeshTestExtension of(MeshModule module) {
    return new MeshTestExtension(MeshTestServer.builder(module));
  }

  /**
   * An extension serving the module {@code modules} creates once the configuration is loaded, e.g.
   * {@code MeshMain::module}, as the generated main does; on an instance field, each test gets new
   * services.
   */
  public static MeshTestExtension of(Supplier<MeshModule> modules) {
    return new MeshTestExtension(MeshTestServer.builder(modules));
  }

  /** An extension serving {@code bindings} alone, with the defaults. */
  public static MeshTestExtension of(List<? extends MeshBinding> bindings) {
    return new MeshTestExtension(MeshTestServer.builder(bindings));
  }

  /**
   * An extension serving {@code module} as {@code configure} sets it up, e.g. {@code b ->
   * b.args("--app.greeting=Hi")}.
   */
  public static MeshTestExtension of(
      MeshModule module, UnaryOperator<MeshTestServer.Builder> configure) {
    return new MeshTestExtension(
        Objects.requireNonNull(configure.apply(MeshTestServer.builder(module)), "builder"));
  }

  /** An extension serving the module {@code modules} creates, as {@code configure} sets it up. */
  public static MeshTestExtension of(
      Supplier<MeshModule> modules, UnaryOperator<MeshTestServer.Builder> configure) {
    return new MeshTestExtension(
        Objects.requireNonNull(configure.apply(MeshTestServer.builder(modules)), "builder"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    current = builder.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      current = builder.start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      closeCurrent();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeCurrent();
  }

  private void closeCurrent() {
    MeshTestServer server = current;
    if (server != null) {
      server.close();
    }
  }

  /**
   * The server of the running test.
   *
   * @throws IllegalStateException outside a test (before it started or after it closed)
   */
  public MeshTestServer running() {
    MeshTestServer server = current;
    if (server == null || server.isClosed()) {
      throw new IllegalStateException(
          "the mesh test server runs only while a test runs;"
              + " is the extension registered with @RegisterExtension?");
    }
    return server;
  }

  /** See {@link MeshTestServer#token(String, String...)}. */
  public String token(String subject, String... scopes) {
    return running().token(subject, scopes);
  }

  /** See {@link MeshTestServer#tokenFor(String)}. */
  public TokenBuilder tokenFor(String subject) {
    return running().tokenFor(subject);
  }

  /** See {@link MeshTestServer#clock()}. */
  public TestClock clock() {
    return running().clock();
  }

  /** See {@link MeshTestServer#caller()}. */
  public Caller caller() {
    return running().caller();
  }

  /** See {@link MeshTestServer#withToken(String)}. */
  public Caller withToken(String token) {
    return running().withToken(token);
  }

  /** See {@link MeshTestServer#withPeer(String)}. */
  public Caller withPeer(String identity) {
    return running().withPeer(identity);
  }

  /** See {@link MeshTestServer#stub(Function)}. */
  public <S extends AbstractStub<S>> S stub(Function<? super Channel, S> newStub) {
    return running().stub(newStub);
  }

  /** See {@link MeshTestServer#channel()}. */
  public Channel channel() {
    return running().channel();
  }

  /** See {@link MeshTestServer#meters()}. */
  public MeterRegistry meters() {
    return running().meters();
  }

  /** See {@link MeshTestServer#scrape()}. */
  public String scrape() {
    return running().scrape();
  }

  /** See {@link MeshTestServer#calls(String, Status.Code)}. */
  public long calls(String fullMethodName, Status.Code code) {
    return running().calls(fullMethodName, code);
  }

  /** See {@link MeshTestServer#config()}. */
  public MeshConfig config() {
    return running().config();
  }

  /** See {@link MeshTestServer#meshServer()}. */
  public MeshServer meshServer() {
    return running().meshServer();
  }
}
