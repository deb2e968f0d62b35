package dev.datapunk.mesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.config.ConfigChange;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.ReloadReport;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import dev.datapunk.mesh.runtime.security.MeshTestServer;
import dev.datapunk.mesh.runtime.server.MeshServer;
import dev.datapunk.mesh.runtime.tls.ClientTls;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code health.port}: a real server over mTLS (the development PKI) with a plaintext listener
 * serving only grpc.health.v1, probed by clients that present no certificate, as the kubelet does.
 */
class HealthPortTest {

  private static final String SERVICE = SimpleServiceGrpc.SERVICE_NAME;

  @TempDir Path dir;

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private MeshServer server;

  @AfterEach
  void stop() {
    release.countDown();
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aProbeWithoutCertificateGetsServingOnTheHealthPortAndIsRefusedOnTheMainPort()
      throws Exception {
    int healthPort = LoopbackPorts.free();
    start("--health.port=" + healthPort);
    assertThat(server.healthPort()).hasValue(healthPort);

    ManagedChannel probe = plaintext(healthPort);
    assertThat(check(probe, "")).isEqualTo(ServingStatus.SERVING);
    assertThat(check(probe, SERVICE)).isEqualTo(ServingStatus.SERVING);

    // The main port: mTLS as ever. Without a client certificate the handshake fails.
    assertThat(checkError(plaintext(server.port()))).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(checkError(channel(server.port(), ClientTls.trusting(devFile("ca.pem")))))
        .isEqualTo(Status.Code.UNAVAILABLE);
    ManagedChannel mutual =
        channel(
            server.port(),
            ClientTls.mutual(devFile("ca.pem"), devFile("client.pem"), devFile("client.key")));
    assertThat(check(mutual, "")).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void theHealthPortServesNothingButHealth() throws Exception {
    int healthPort = LoopbackPorts.free();
    start("--health.port=" + healthPort);
    ManagedChannel probe = plaintext(healthPort);

    assertThat(MeshTestServer.reflectionStatus(probe).getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
    StatusRuntimeException mesh =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                SimpleServiceGrpc.newBlockingStub(probe)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .unaryRpc(SimpleRequest.getDefaultInstance()));
    assertThat(mesh.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(entered.getCount()).as("service code never ran").isEqualTo(1);
  }

  @Test
  void theHealthPortSaysNotServingAsSoonAsCloseBeginsAndClosesAfterTheDrain() throws Exception {
    int healthPort = LoopbackPorts.free();
    start("--health.port=" + healthPort, "--server.shutdown-grace=20s");
    ManagedChannel probe = plaintext(healthPort);
    BlockingQueue<ServingStatus> watched = watch(probe);
    assertThat(watched.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

    ManagedChannel mutual =
        channel(
            server.port(),
            ClientTls.mutual(devFile("ca.pem"), devFile("client.pem"), devFile("client.key")));
    CompletableFuture<SimpleResponse> inFlight =
        CompletableFuture.supplyAsync(
            () ->
                SimpleServiceGrpc.newBlockingStub(mutual)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .unaryRpc(SimpleRequest.getDefaultInstance()));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    Thread closing = new Thread(server::close, "close");
    closing.start();
    assertThat(watched.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(check(probe, "")).isEqualTo(ServingStatus.NOT_SERVING);
    // Draining: the call is still in flight, close() waits, the health port still answers.
    Thread.sleep(300);
    assertThat(closing.isAlive()).isTrue();
    assertThat(check(plaintext(healthPort), SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);

    release.countDown();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).getResponseMessage()).isEqualTo("done");
    closing.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(closing.isAlive()).isFalse();
    assertThat(server.healthPort()).isEmpty();
    assertThat(checkError(plaintext(healthPort))).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void portZeroMeansNoListener() {
    try (StderrCapture stderr = StderrCapture.start()) {
      start();
      assertThat(server.healthPort()).isEmpty();
      assertThat(stderr.linesContaining("health.port")).isEmpty();
    }
  }

  @Test
  void theListenerIsLogged() throws Exception {
    int healthPort = LoopbackPorts.free();
    try (StderrCapture stderr = StderrCapture.start()) {
      start("--health.port=" + healthPort);
      assertThat(
              stderr.linesContaining(
                  " INFO ",
                  "health.port: plaintext grpc.health.v1 (and nothing else) on 127.0.0.1:"
                      + healthPort))
          .hasSize(1);
    }
  }

  @Test
  void aTakenPortFailsTheStartNamingTheKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> startAndClose("--health.port=" + port))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("health.port: cannot listen on 127.0.0.1:" + port);

      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status =
          MeshApplication.run(
              args("--health.port=" + port),
              MeshModule.of(List.of(binding())),
              Map.of(),
              dir,
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(status).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("mesh: cannot start: health.port: cannot listen on");
    }
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> startAndClose("--health.port=probe"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "health.port: expected a port number 0-65535, got \"probe\" (from command line"
                + " --health.port=probe)");
    assertThatThrownBy(
            () ->
                MeshApplication.start(
                        args(), List.of(binding()), Map.of("MESH_HEALTH_PORT", "70000"), dir)
                    .close())
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "health.port: expected a port number 0-65535, got \"70000\" (from environment"
                + " MESH_HEALTH_PORT)");
    assertThatThrownBy(() -> startAndClose("--health.port=50111", "--server.port=50111"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "health.port and server.port are both 50111 (from command line --health.port and"
                + " command line --server.port)");
    assertThatThrownBy(() -> startAndClose("--health.port=50111", "--health.enabled=false"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "health.port is 50111 (from command line --health.port) but health.enabled is false");
  }

  @Test
  void aChangedPortOnReloadNeedsARestart() throws Exception {
    int healthPort = LoopbackPorts.free();
    ConfigFiles.write(dir.resolve("mesh.yaml"), "health.port: " + healthPort + "\n");
    start();
    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    int other = LoopbackPorts.free();
    ConfigFiles.write(dir.resolve("mesh.yaml"), "health.port: " + other + "\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);

    ReloadReport report = watcher.lastReport().orElseThrow();
    assertThat(report.needsRestart())
        .extracting(ConfigChange::describeInParentheses)
        .containsExactly("health.port (" + healthPort + " -> " + other + ")");
    assertThat(report.applied()).isEmpty();
    assertThat(server.healthPort()).hasValue(healthPort);
    assertThat(check(plaintext(healthPort), "")).isEqualTo(ServingStatus.SERVING);
  }

  /** UnaryRpc (open) answers "done" once the test releases it. */
  private MeshBinding binding() {
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            entered.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            responses.onNext(SimpleResponse.newBuilder().setResponseMessage("done").build());
            responses.onCompleted();
          }
        };
    return MeshBinding.of(
        service.bindService(),
        List.of(
            MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build()));
  }

  /**
   * Loopback, a free main port, no metrics endpoint, a short grace; {@code extra} wins over each.
   */
  private String[] args(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--metrics.port=0",
                "--server.shutdown-grace=2s"));
    for (String option : extra) {
      String key = option.substring(0, option.indexOf('=') + 1);
      args.removeIf(given -> given.startsWith(key));
      args.add(option);
    }
    return args.toArray(String[]::new);
  }

  /** Starts over mTLS with the development PKI under {@code dir}. */
  private void start(String... extra) {
    server = MeshApplication.start(args(extra), List.of(binding()), Map.of(), dir);
  }

  /**
   * Starts as {@link #start} does and closes at once: for starts that must fail, so none outlives
   * its test.
   */
  private void startAndClose(String... extra) {
    MeshApplication.start(args(extra), List.of(binding()), Map.of(), dir).close();
  }

  private Path devFile(String name) {
    return dir.resolve(".mesh/dev").resolve(name);
  }

  private ManagedChannel plaintext(int port) {
    return channel(port, InsecureChannelCredentials.create());
  }

  private ManagedChannel channel(int port, ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
    channels.add(channel);
    return channel;
  }

  private static ServingStatus check(ManagedChannel channel, String service) {
    HealthCheckResponse response =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService(service).build());
    return response.getStatus();
  }

  private static Status.Code checkError(ManagedChannel channel) {
    try {
      ServingStatus status = check(channel, "");
      throw new AssertionError("health answered " + status);
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** Every status a health Watch of {@code ""} reports. */
  private static BlockingQueue<ServingStatus> watch(ManagedChannel channel) {
    BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(channel)
        .watch(
            HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(HealthCheckResponse response) {
                statuses.add(response.getStatus());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    return statuses;
  }
}
