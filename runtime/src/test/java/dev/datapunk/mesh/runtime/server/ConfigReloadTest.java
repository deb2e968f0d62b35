package dev.datapunk.mesh.runtime.server;

import static dev.datapunk.mesh.runtime.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.config.ConfigChange;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.ReloadReport;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of {@code ratelimit.override.*} on a real server started as the generated bootstrap
 * starts it, with {@code mesh.yaml} in its working directory rewritten while it runs.
 */
class ConfigReloadTest {

  private static final String METHOD = "grpc.testing.SimpleService/UnaryRpc";
  private static final String OVERRIDE = "ratelimit.override." + METHOD;

  /** Open, annotated with a limit of 2 per second, burst 2. */
  private static final MethodPolicy UNARY =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).rateLimit(2, 2).build();

  private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private MeshServer server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void admittedRateFollowsTheFileWhileAClientHammers() throws Exception {
    write(dir.resolve("mesh.yaml"), OVERRIDE + ".rps: 5\n" + OVERRIDE + ".burst: 5\n");
    try (StderrCapture log = StderrCapture.start()) {
      start();
      assertThat(log.linesContaining("for configuration changes every PT1S"))
          .as("the file is checked every second")
          .hasSize(1);
    }
    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    Hammer hammer = new Hammer(channel);
    hammer.start();
    try {
      hammer.admittedDuring(Duration.ofMillis(1500)); // spend the initial burst
      // Bounds over the window the client really ran in: never above rate x time + burst (+1 for
      // the
      // call that straddles an end); the lower bounds hold for a client that makes a few calls a
      // second and stalls for less than the bucket takes to fill, however busy the machine.
      Admitted atFive = hammer.admittedDuring(Duration.ofSeconds(2));
      assertThat(atFive.calls())
          .as("at 5/s over %.2f s", atFive.seconds())
          .isBetween((long) (2.5 * atFive.seconds()), atFive.mostAt(5, 5));

      write(dir.resolve("mesh.yaml"), OVERRIDE + ".rps: 100\n" + OVERRIDE + ".burst: 5\n");
      await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
      assertThat(watcher.lastReport().orElseThrow().applied())
          .extracting(ConfigChange::toString)
          .containsExactly(OVERRIDE + ".rps 5 -> 100");
      Admitted atHundred = hammer.admittedDuring(Duration.ofSeconds(2));
      // 100/s for 2 s: about 200 (fewer only if one client cannot make 100 calls/s on a loaded
      // machine), and more than 5/s could ever admit in the same window.
      assertThat(atHundred.calls())
          .as("at 100/s over %.2f s", atHundred.seconds())
          .isBetween(atHundred.mostAt(5, 5) + 1, atHundred.mostAt(100, 5));

      // A removed override gives the method its annotated limit back: 2/s.
      write(dir.resolve("mesh.yaml"), "# no overrides\n");
      await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 2);
      hammer.admittedDuring(Duration.ofMillis(500));
      Admitted atTwo = hammer.admittedDuring(Duration.ofSeconds(2));
      assertThat(atTwo.calls())
          .as("at 2/s over %.2f s", atTwo.seconds())
          .isBetween((long) atTwo.seconds(), atTwo.mostAt(2, 2));
      assertThat(watcher.reloads(ReloadReport.Result.REJECTED)).isZero();
      assertThat(hammer.failures()).isZero();
    } finally {
      hammer.stop();
    }
  }

  @Test
  void brokenFileChangesNothingAndCountsRejected() throws Exception {
    // A bucket of 3 that does not refill during the test.
    write(dir.resolve("mesh.yaml"), OVERRIDE + ".rps: 0.001\n" + OVERRIDE + ".burst: 3\n");
    start();
    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    assertThat(admitted(5)).isEqualTo(3);

    // A bad value next to a good one: the good one is not applied either.
    write(
        dir.resolve("mesh.yaml"),
        OVERRIDE + ".rps: 1000\n" + OVERRIDE + ".burst: 3\nserver.worker-threads: lots\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.REJECTED) == 1);
    assertThat(watcher.lastReport().orElseThrow().error())
        .hasValueSatisfying(error -> assertThat(error).contains("server.worker-threads"));
    Thread.sleep(200);
    assertThat(admitted(3)).isZero();

    // A YAML syntax error.
    write(dir.resolve("mesh.yaml"), OVERRIDE + ".rps: [1000\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.REJECTED) == 2);
    // An override of a method this server does not have is rejected as at start.
    write(
        dir.resolve("mesh.yaml"),
        OVERRIDE + ".rps: 1000\nratelimit.override.grpc.testing.SimpleService/Nope.rps: 9\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.REJECTED) == 3);
    assertThat(watcher.lastReport().orElseThrow().error())
        .hasValueSatisfying(
            error ->
                assertThat(error).contains("ratelimit.override.grpc.testing.SimpleService/Nope"));
    Thread.sleep(200);
    assertThat(admitted(3)).isZero();
    assertThat(watcher.reloads(ReloadReport.Result.APPLIED)).isZero();

    // Fixed: applied, and the bucket refills at the new rate.
    write(dir.resolve("mesh.yaml"), OVERRIDE + ".rps: 1000\n" + OVERRIDE + ".burst: 3\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
    Thread.sleep(50);
    assertThat(admitted(3)).isEqualTo(3);
  }

  @Test
  void restartOnlyKeysAreReportedAndNotApplied() throws Exception {
    write(dir.resolve("mesh.yaml"), OVERRIDE + ".rps: 0.001\n" + OVERRIDE + ".burst: 1\n");
    start();
    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    int port = server.port();

    write(
        dir.resolve("mesh.yaml"),
        OVERRIDE
            + ".rps: 0.001\n"
            + OVERRIDE
            + ".burst: 1\n"
            + "server.worker-threads: 3\nreflection.enabled: false\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
    ReloadReport report = watcher.lastReport().orElseThrow();
    assertThat(report.needsRestart())
        .extracting(ConfigChange::describeInParentheses)
        .containsExactly("server.worker-threads (10 -> 3)", "reflection.enabled (true -> false)");
    assertThat(report.applied()).isEmpty();
    assertThat(server.port()).isEqualTo(port);

    // Still reported on the next change, together with what is applied then.
    write(
        dir.resolve("mesh.yaml"),
        OVERRIDE
            + ".rps: 0.001\n"
            + OVERRIDE
            + ".burst: 4\n"
            + "server.worker-threads: 3\nreflection.enabled: false\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 2);
    report = watcher.lastReport().orElseThrow();
    assertThat(report.applied())
        .extracting(ConfigChange::toString)
        .containsExactly(OVERRIDE + ".burst 1 -> 4");
    assertThat(report.needsRestart()).hasSize(2);
  }

  @Test
  void kubernetesConfigMapSymlinkSwapIsSeen() throws Exception {
    // The layout kubelet writes: mesh.yaml -> ..data/mesh.yaml, ..data -> ..<timestamp>/
    Path first = Files.createDirectory(dir.resolve("..2026_11_24_first"));
    write(first.resolve("mesh.yaml"), OVERRIDE + ".rps: 0.001\n" + OVERRIDE + ".burst: 1\n");
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Files.createSymbolicLink(dir.resolve("mesh.yaml"), Path.of("..data", "mesh.yaml"));
    start();
    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    assertThat(admitted(3)).isEqualTo(1);

    Path second = Files.createDirectory(dir.resolve("..2026_11_24_second"));
    Files.writeString(
        second.resolve("mesh.yaml"), OVERRIDE + ".rps: 1000\n" + OVERRIDE + ".burst: 1\n");
    Path swap = dir.resolve("..data_tmp");
    Files.createSymbolicLink(swap, second.getFileName());
    Files.move(
        swap,
        dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);

    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
    assertThat(watcher.lastReport().orElseThrow().applied())
        .extracting(ConfigChange::toString)
        .containsExactly(OVERRIDE + ".rps 0.001 -> 1000");
  }

  private void start() {
    server =
        MeshApplication.start(
            new String[] {
              "--server.host=127.0.0.1",
              "--server.port=0",
              "--tls.mode=plaintext",
              "--metrics.port=0",
              "--server.shutdown-grace=1s"
            },
            List.of(binding()),
            Map.of(),
            dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  /** Makes {@code calls} calls one after the other; how many were admitted. */
  private int admitted(int calls) {
    int admitted = 0;
    for (int i = 0; i < calls; i++) {
      if (call(channel)) {
        admitted++;
      }
    }
    return admitted;
  }

  /** True when admitted, false when rate limited; anything else fails the test. */
  static boolean call(ManagedChannel channel) {
    try {
      SimpleServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        return false;
      }
      throw e;
    }
  }

  static MeshBinding binding() {
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            responses.onNext(SimpleResponse.newBuilder().setResponseMessage("ok").build());
            responses.onCompleted();
          }
        };
    return MeshBinding.of(
        service.bindService(),
        List.of(
            UNARY,
            MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build()));
  }

  /** Calls admitted during a window of {@code seconds}. */
  private record Admitted(long calls, double seconds) {

    /**
     * The most a limit of {@code rps} and {@code burst} admits in the window, plus the call
     * straddling its start.
     */
    long mostAt(double rps, int burst) {
      return (long) Math.floor(rps * seconds) + burst + 1;
    }
  }

  /** One client calling UnaryRpc back to back on its own thread, counting admitted calls. */
  private static final class Hammer {
    private final ManagedChannel channel;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Hammer(ManagedChannel channel) {
      this.channel = channel;
      this.thread = new Thread(this::run, "reload-test-hammer");
    }

    void start() {
      thread.start();
    }

    private void run() {
      while (running.get()) {
        try {
          if (call(channel)) {
            admitted.incrementAndGet();
          }
        } catch (RuntimeException e) {
          failures.incrementAndGet();
        }
      }
    }

    Admitted admittedDuring(Duration window) throws InterruptedException {
      long before = admitted.get();
      long started = System.nanoTime();
      Thread.sleep(window.toMillis());
      long calls = admitted.get() - before;
      return new Admitted(calls, (System.nanoTime() - started) / 1e9);
    }

    long failures() {
      return failures.get();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }
}
