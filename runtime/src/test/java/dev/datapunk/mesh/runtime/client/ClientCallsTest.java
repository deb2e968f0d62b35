package dev.datapunk.mesh.runtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.tls.DevPki;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MeshChannels} against a real mesh server on loopback over mTLS with the development PKI:
 * default deadlines, service tokens, retries and client meters, seen from the server.
 */
class ClientCallsTest {

  private static final String METHOD = "grpc.testing.SimpleService/UnaryRpc";

  @TempDir Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private Downstream downstream(String... args) {
    Downstream server = Downstream.start(dir, args);
    open.add(server);
    return server;
  }

  /**
   * The channel of client "down", configured by {@code --client.down.target=localhost:<port>} and
   * {@code args}, presenting the development client certificate.
   */
  private Channel client(int port, String... args) {
    return channels(port, List.of(), args).channel("down");
  }

  private MeshChannels channels(int port, List<ClientInterceptor> interceptors, String... args) {
    List<String> all = new ArrayList<>(List.of("--client.down.target=localhost:" + port));
    all.addAll(List.of(args));
    DevPki.Material dev;
    try {
      dev = DevPki.ensure(dir.resolve(".mesh/dev"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MeshChannels.Builder builder =
        MeshChannels.builder()
            .meterRegistry(registry)
            .identity(dev.clientCert(), dev.clientKey())
            .trust(dev.caCert());
    ConfigLoader.load(all.toArray(String[]::new), Map.of(), dir)
        .config()
        .clients()
        .values()
        .forEach(builder::client);
    interceptors.forEach(builder::interceptor);
    MeshChannels channels = builder.build();
    open.add(0, channels);
    return channels;
  }

  private static String unary(Channel channel, String message) {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .unaryRpc(SimpleRequest.newBuilder().setRequestMessage(message).build())
        .getResponseMessage();
  }

  private double retries(String reason) {
    Counter counter =
        registry
            .find(ClientMeters.RETRIES)
            .tags("client", "down", "method", METHOD, "reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aCallWithoutDeadlineGetsTheDefaultAndCarriesTheServiceToken() throws IOException {
    Downstream server = downstream();
    Path tokenFile = dir.resolve("service.token");
    Files.writeString(tokenFile, server.token("billing", "read") + "\n");
    // Long, so that however slowly a busy machine sets up the first call, what is left of the
    // deadline at the server tells the default apart from any other.
    Channel channel =
        client(
            server.port(),
            "--client.down.deadline=30s",
            "--client.down.token=service",
            "--client.down.token-file=" + tokenFile);

    assertEquals("billing", unary(channel, "hi"));

    Downstream.Seen seen = server.seen().get(0);
    assertTrue(seen.authorization());
    assertThat(seen.deadline())
        .hasValueSatisfying(
            left -> assertThat(left).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(30)));

    Files.writeString(tokenFile, server.token("billing-2", "read"));
    await().atMost(Duration.ofSeconds(10)).until(() -> unary(channel, "hi").equals("billing-2"));
  }

  @Test
  void aCallWithItsOwnDeadlineKeepsIt() {
    Downstream server = downstream();
    Channel channel = client(server.port(), "--client.down.deadline=3s");
    SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .serverStreamingRpc(SimpleRequest.getDefaultInstance())
        .next();
    assertThat(server.seen().get(0).deadline())
        .hasValueSatisfying(left -> assertThat(left).isGreaterThan(Duration.ofSeconds(25)));
  }

  @Test
  void withoutTokenModeNoTokenIsSentAndSecuredMethodsRefuseTheCall() {
    Downstream server = downstream();
    Channel channel = client(server.port(), "--client.down.deadline=off");
    SimpleServiceGrpc.newBlockingStub(channel)
        .serverStreamingRpc(SimpleRequest.getDefaultInstance())
        .next();
    Downstream.Seen seen = server.seen().get(0);
    assertFalse(seen.authorization());
    assertThat(seen.deadline()).isEmpty();
    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> unary(channel, "hi"));
    assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
  }

  @Test
  void aRateLimitedCallIsRetriedAfterTheAdvertisedDelay() throws IOException {
    // One token per 2 s: the second call, right after the first, finds the bucket empty however
    // busy the machine.
    Downstream server =
        downstream(
            "--ratelimit.override." + METHOD + ".rps=0.5",
            "--ratelimit.override." + METHOD + ".burst=1");
    Path tokenFile = dir.resolve("service.token");
    Files.writeString(tokenFile, server.token("billing", "read"));
    Channel channel =
        client(
            server.port(),
            "--client.down.token=service",
            "--client.down.token-file=" + tokenFile,
            "--client.down.retry.max-delay=5s");

    assertEquals("billing", unary(channel, "first"));
    assertEquals("billing", unary(channel, "second"));

    // The bucket refills one token per 2 s. The second call's first attempt found it empty and
    // never reached the service; its one retry did, so it waited until the token was back, as the
    // server's RetryInfo said (an earlier retry would have been refused again).
    assertEquals(2, server.seen().size());
    assertEquals(1.0, retries("retry_info"));
    Timer ok =
        registry
            .find("grpc.client.processing.duration")
            .tags(
                "client",
                "down",
                "service",
                "grpc.testing.SimpleService",
                "method",
                "UnaryRpc",
                "statusCode",
                "OK")
            .timer();
    assertThat(ok).isNotNull();
    assertEquals(2, ok.count(), "one logical call each, the retry inside it");
    assertThat(registry.find("grpc.client.requests.sent").tags("client", "down").counter())
        .isNotNull();
  }

  @Test
  void anInterceptorGivenToTheBuilderSeesEachCallOnceWithItsDeadline() throws IOException {
    // One token per 2 s: the second call finds the bucket empty and is retried.
    Downstream server =
        downstream(
            "--ratelimit.override." + METHOD + ".rps=0.5",
            "--ratelimit.override." + METHOD + ".burst=1");
    Path tokenFile = dir.resolve("service.token");
    Files.writeString(tokenFile, server.token("billing", "read"));
    List<Deadline> seen = new CopyOnWriteArrayList<>();
    ClientInterceptor tracing =
        new ClientInterceptor() {
          @Override
          public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
              MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
            seen.add(callOptions.getDeadline());
            return next.newCall(method, callOptions);
          }
        };
    MeshChannels channels =
        channels(
            server.port(),
            List.of(tracing),
            "--client.down.token=service",
            "--client.down.token-file=" + tokenFile,
            "--client.down.retry.max-delay=5s");

    unary(channels.channel("down"), "first");
    unary(channels.channel("down"), "second");

    assertEquals(1.0, retries("retry_info"), "the second call was tried twice");
    assertThat(seen).hasSize(2).doesNotContainNull();
  }

  @Test
  void aCallWhoseContextIsCancelledWhileWaitingToRetryEndsAtOnce() throws Exception {
    // One token per 10 s: the refused attempt waits almost 10 s before its retry, far longer than
    // a busy machine takes to notice the cancellation.
    Downstream server =
        downstream(
            "--ratelimit.override." + METHOD + ".rps=0.1",
            "--ratelimit.override." + METHOD + ".burst=1");
    Path tokenFile = dir.resolve("service.token");
    Files.writeString(tokenFile, server.token("billing", "read"));
    Channel channel =
        client(
            server.port(),
            "--client.down.token=service",
            "--client.down.token-file=" + tokenFile,
            "--client.down.retry.max-delay=15s",
            "--client.down.deadline=60s");
    unary(channel, "first");
    long retryDue = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Context.CancellableContext serving = Context.current().withCancellation();
    CompletableFuture<StatusRuntimeException> call = new CompletableFuture<>();
    Runnable secondCall =
        () ->
            call.complete(
                assertThrows(StatusRuntimeException.class, () -> unary(channel, "second")));
    new Thread(serving.wrap(secondCall)).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> retries("retry_info") == 1);

    long cancelledAt = System.nanoTime();
    serving.cancel(null);

    assertEquals(Status.Code.CANCELLED, call.get(10, TimeUnit.SECONDS).getStatus().getCode());
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(5));
    // Past the time the retry was due (and a second more): it never came.
    TimeUnit.NANOSECONDS.sleep(
        Math.max(0, retryDue - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1));
    assertEquals(1, server.seen().size(), "no attempt was started after the cancellation");
  }

  @Test
  void aDelayLongerThanMaxDelayIsNotWaitedFor() throws IOException {
    // One token per 10 s: the refused call is told to come back in almost 10 s, beyond max-delay.
    Downstream server =
        downstream(
            "--ratelimit.override." + METHOD + ".rps=0.1",
            "--ratelimit.override." + METHOD + ".burst=1");
    Path tokenFile = dir.resolve("service.token");
    Files.writeString(tokenFile, server.token("billing", "read"));
    Channel channel =
        client(
            server.port(),
            "--client.down.token=service",
            "--client.down.token-file=" + tokenFile,
            "--client.down.retry.max-delay=1s");
    unary(channel, "first");
    long start = System.nanoTime();
    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> unary(channel, "second"));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertEquals(0.0, retries("retry_info"));
  }

  @Test
  void aDelayPastTheCallsDeadlineIsNotWaitedFor() throws IOException {
    // One token per 4 s: the refused call is told to come back in almost 4 s, within max-delay but
    // after its 2 s deadline.
    Downstream server =
        downstream(
            "--ratelimit.override." + METHOD + ".rps=0.25",
            "--ratelimit.override." + METHOD + ".burst=1");
    Path tokenFile = dir.resolve("service.token");
    Files.writeString(tokenFile, server.token("billing", "read"));
    Channel channel =
        client(
            server.port(),
            "--client.down.token=service",
            "--client.down.token-file=" + tokenFile,
            "--client.down.retry.max-delay=5s");
    unary(channel, "first");
    StatusRuntimeException refused =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                SimpleServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .unaryRpc(SimpleRequest.getDefaultInstance()));
    assertEquals(
        Status.Code.RESOURCE_EXHAUSTED,
        refused.getStatus().getCode(),
        "refused at once with the server's answer rather than DEADLINE_EXCEEDED after a useless"
            + " wait");
    assertEquals(0.0, retries("retry_info"));
  }

  @Test
  void unavailableFromTheServiceIsNotRetried() throws IOException {
    Downstream server = downstream();
    Path tokenFile = dir.resolve("service.token");
    Files.writeString(tokenFile, server.token("billing", "read"));
    Channel channel =
        client(
            server.port(), "--client.down.token=service", "--client.down.token-file=" + tokenFile);
    StatusRuntimeException failed =
        assertThrows(StatusRuntimeException.class, () -> unary(channel, "status:UNAVAILABLE"));
    assertEquals(Status.Code.UNAVAILABLE, failed.getStatus().getCode());
    assertEquals(
        1, server.seen().size(), "the server ran it once; it may not be safe to run twice");
    assertEquals(0.0, retries("unavailable"));
  }

  @Test
  void unavailableBeforeTheRequestLeftIsRetriedUntilTheServerIsUp() throws Exception {
    int port = freePort();
    Channel channel =
        client(
            port,
            "--client.down.retry.max-attempts=10",
            "--client.down.retry.max-delay=1s",
            "--client.down.deadline=off");
    CompletableFuture<StatusRuntimeException> call =
        CompletableFuture.supplyAsync(
            () -> assertThrows(StatusRuntimeException.class, () -> unary(channel, "hi")));
    await().atMost(Duration.ofSeconds(10)).until(() -> retries("unavailable") >= 1);
    downstream("--server.port=" + port);
    assertEquals(
        Status.Code.UNAUTHENTICATED,
        call.get(20, TimeUnit.SECONDS).getStatus().getCode(),
        "the retried call reached the server once it was up (and was refused there for want of a"
            + " token)");
  }

  @Test
  void unavailableBeforeTheRequestLeftEndsAfterMaxAttempts() throws Exception {
    Channel channel = client(freePort(), "--client.down.retry.max-attempts=3");
    StatusRuntimeException failed =
        assertThrows(StatusRuntimeException.class, () -> unary(channel, "hi"));
    assertEquals(Status.Code.UNAVAILABLE, failed.getStatus().getCode());
    assertEquals(2.0, retries("unavailable"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
