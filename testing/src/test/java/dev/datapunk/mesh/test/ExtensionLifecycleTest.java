package dev.datapunk.mesh.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.datapunk.mesh.test.probe.MeshMain;
import dev.datapunk.mesh.test.probe.v1.HelloRequest;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension's lifecycle, on test classes run here through the JUnit Platform launcher (they are
 * nested, so the build never runs them directly): a server per test or per class, closed after a
 * failing test as after a passing one. The scenarios' names do not end in "Test", so no pattern
 * given to the build selects them.
 */
class ExtensionLifecycleTest {

  /** The servers the classes below saw, in order; each run starts from an empty list. */
  static final List<MeshTestServer> SEEN = new CopyOnWriteArrayList<>();

  @BeforeEach
  @AfterEach
  void forget() {
    SEEN.clear();
  }

  @Test
  void aServerPerTestIsClosedAfterEachTestPassingOrFailing() {
    TestExecutionSummary summary = run(PerTestScenario.class);
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(summary.getTestsFailedCount()).isEqualTo(1);
    assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
    SEEN.forEach(ExtensionLifecycleTest::assertStopped);
  }

  @Test
  void aServerPerClassServesEveryTestAndIsClosedAfterTheLast() {
    TestExecutionSummary summary = run(PerClassScenario.class);
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(summary.getTestsFailedCount()).isEqualTo(1);
    assertThat(SEEN).hasSize(2);
    assertThat(SEEN.get(0)).isSameAs(SEEN.get(1));
    assertStopped(SEEN.get(0));
  }

  private static TestExecutionSummary run(Class<?> testClass) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
            listener);
    return listener.getSummary();
  }

  private static void assertStopped(MeshTestServer server) {
    assertThat(server.isClosed()).isTrue();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> server.meshServer().awaitTermination());
  }

  /** Records its server, calls it, then the second test fails. */
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class PerTestScenario {
    @RegisterExtension final MeshTestExtension mesh = MeshTestExtension.of(MeshMain.module());

    @Test
    @Order(1)
    void passes() {
      SEEN.add(mesh.running());
      mesh.stub(ProbeServiceGrpc::newBlockingStub).hello(HelloRequest.getDefaultInstance());
    }

    @Test
    @Order(2)
    void fails() {
      SEEN.add(mesh.running());
      mesh.stub(ProbeServiceGrpc::newBlockingStub).hello(HelloRequest.getDefaultInstance());
      throw new AssertionError("failing on purpose");
    }
  }

  /** The same, with one server for the class; the failing test runs first. */
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class PerClassScenario {
    @RegisterExtension
    static final MeshTestExtension mesh = MeshTestExtension.of(MeshMain.module());

    @Test
    @Order(1)
    void fails() {
      SEEN.add(mesh.running());
      throw new AssertionError("failing on purpose");
    }

    @Test
    @Order(2)
    void stillServes() {
      SEEN.add(mesh.running());
      mesh.stub(ProbeServiceGrpc::newBlockingStub).hello(HelloRequest.getDefaultInstance());
    }
  }
}
