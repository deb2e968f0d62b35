package dev.datapunk.mesh.runtime.tracing;

import static dev.datapunk.mesh.runtime.tracing.OtlpReceiver.attributes;
import static dev.datapunk.mesh.runtime.tracing.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing on a real server (Netty on loopback, started from configuration as the generated
 * bootstrap starts it) exporting to a real OTLP/gRPC receiver: one SERVER span per call with the
 * RPC conventions' attributes, the caller's trace continued, every decision of the chain recorded,
 * no token anywhere in what is exported. Closing the server flushes the spans, so each test closes
 * it before reading the receiver.
 */
class TracingEndToEndTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> BAGGAGE =
      Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;

  private final TracedService service = new TracedService();
  private final List<String> tokens = new ArrayList<>();
  private OtlpReceiver receiver;
  private MeshServer server;
  private ManagedChannel channel;

  @BeforeEach
  void startReceiver() {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    receiver.close();
  }

  private void start(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--tls.mode=plaintext",
                "--metrics.port=0",
                "--server.shutdown-grace=1s",
                "--tracing.enabled=true",
                "--tracing.service-name=inventory"));
    args.addAll(List.of(extra));
    if (args.stream().noneMatch(arg -> arg.startsWith("--tracing.endpoint="))) {
      args.add(receiver.endpointArgument());
    }
    server = MeshApplication.start(args.toArray(String[]::new), service.module(), Map.of(), dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  /**
   * A dev token for {@code subject} with {@code scopes}, valid from {@code clock}'s now for 5
   * minutes.
   */
  private String token(Clock clock, String subject, String... scopes) {
    String token;
    try {
      token =
          DevTokens.mint(
              DevSigningKey.ensure(dir.resolve(".mesh/dev")),
              new DevTokenRequest(
                  subject,
                  List.of(scopes),
                  Duration.ofMinutes(5),
                  Optional.empty(),
                  Optional.empty()),
              clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tokens.add(token);
    return token;
  }

  private String token(String subject, String... scopes) {
    return token(Clock.systemUTC(), subject, scopes);
  }

  private static Metadata headers(String token, String traceparent, String baggage) {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(AUTHORIZATION, "Bearer " + token);
    }
    if (traceparent != null) {
      headers.put(TRACEPARENT, traceparent);
    }
    if (baggage != null) {
      headers.put(BAGGAGE, baggage);
    }
    return headers;
  }

  private String unary(Metadata headers, String message) {
    Channel withHeaders =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    return SimpleServiceGrpc.newBlockingStub(withHeaders)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.newBuilder().setRequestMessage(message).build())
        .getResponseMessage();
  }

  private Status unaryFails(Metadata headers, String message) {
    return assertThrows(StatusRuntimeException.class, () -> unary(headers, message)).getStatus();
  }

  private void publicCall(Metadata headers) {
    Channel withHeaders =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    SimpleServiceGrpc.newBlockingStub(withHeaders)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverStreamingRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build())
        .forEachRemaining(reply -> {});
  }

  /** Closes the server, which exports every span it still holds. */
  private List<Span> closeAndCollect(int expected) {
    server.close();
    return receiver.awaitSpans(expected);
  }

  @Test
  void aCallContinuesTheCallersTraceAndItsSpanIsCurrentWhileTheServiceRuns() {
    start();
    String traceparent = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";
    assertThat(unary(headers(token("alice", "read"), traceparent, "tenant=acme"), "hello"))
        .isEqualTo("hello");
    int port = server.port();

    Span span = closeAndCollect(1).get(0);
    assertThat(span.getName()).isEqualTo(TracedService.UNARY);
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(hex(span.getTraceId())).isEqualTo(TRACE_ID);
    assertThat(hex(span.getParentSpanId())).isEqualTo(PARENT_SPAN_ID);
    // The service code ran inside this very span, with the caller's baggage.
    assertThat(service.currentSpan.get().getSpanId()).isEqualTo(hex(span.getSpanId()));
    assertThat(service.currentSpan.get().getTraceId()).isEqualTo(TRACE_ID);
    assertThat(service.tenant.get()).isEqualTo("acme");

    Map<String, String> attributes = attributes(span);
    assertThat(attributes)
        .containsEntry("rpc.system", "grpc")
        .containsEntry("rpc.service", "grpc.testing.SimpleService")
        .containsEntry("rpc.method", "UnaryRpc")
        .containsEntry("rpc.grpc.status_code", "0")
        .containsEntry("mesh.status", "OK")
        .containsEntry("mesh.auth.decision", "allowed")
        .containsEntry("mesh.auth.reason", "ok")
        .containsEntry("mesh.ratelimit.decision", "allowed")
        .containsEntry("network.transport", "tcp")
        .containsEntry("network.type", "ipv4")
        .containsEntry("network.peer.address", "127.0.0.1")
        .containsEntry("server.address", "127.0.0.1")
        .containsEntry("server.port", Integer.toString(port))
        .containsKey("network.peer.port");
    // Identity is off by default; the baggage is never copied onto the span.
    assertThat(attributes)
        .doesNotContainKeys("mesh.peer.identity", "mesh.auth.subject")
        .doesNotContainValue("acme");
    assertThat(span.getStatus().getCode())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(receiver.resourceAttribute("service.name")).contains("inventory");
    assertThat(receiver.requests().get(0).getResourceSpans(0).getScopeSpans(0).getScope().getName())
        .isEqualTo(TracingStage.INSTRUMENTATION_NAME);
  }

  @Test
  void aCallWithoutTraceparentStartsANewTrace() {
    start();
    publicCall(new Metadata());
    Span span = closeAndCollect(1).get(0);
    assertThat(span.getName()).isEqualTo(TracedService.PUBLIC);
    assertThat(span.getParentSpanId().isEmpty()).isTrue();
    assertThat(hex(span.getTraceId()))
        .isNotEqualTo(TRACE_ID)
        .isEqualTo(service.currentSpan.get().getTraceId());
    assertThat(attributes(span))
        .containsEntry("mesh.status", "OK")
        .doesNotContainKey("mesh.auth.decision");
  }

  @Test
  void refusedCallsAreTracedWithTheirRealStatusAndTheReasonCode() {
    start();
    Clock tenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
    assertThat(unaryFails(headers(null, null, null), "x").getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(
            unaryFails(headers(token(tenMinutesAgo, "mallory", "read"), null, null), "x").getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(unaryFails(headers(token("bob", "write"), null, null), "x").getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);

    List<Span> spans = closeAndCollect(3);
    assertThat(spans)
        .hasSize(3)
        .allSatisfy(
            span -> {
              assertThat(span.getName()).isEqualTo(TracedService.UNARY);
              assertThat(attributes(span)).doesNotContainKey("mesh.ratelimit.decision");
              // Refusals are the client's doing: the RPC conventions leave the server span's status
              // unset.
              assertThat(span.getStatus().getCode())
                  .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET);
            });
    assertThat(spans.stream().map(OtlpReceiver::attributes).map(a -> a.get("mesh.auth.reason")))
        .containsExactlyInAnyOrder("missing", "expired", "missing_scope");
    Map<String, String> denied =
        attributes(receiver.span(TracedService.UNARY, "PERMISSION_DENIED"));
    assertThat(denied)
        .containsEntry("mesh.auth.decision", "permission_denied")
        .containsEntry("mesh.auth.reason", "missing_scope")
        .containsEntry("rpc.grpc.status_code", "7");
    assertThat(
            spans.stream()
                .map(OtlpReceiver::attributes)
                .filter(a -> a.get("mesh.status").equals("UNAUTHENTICATED")))
        .hasSize(2)
        .allSatisfy(
            a ->
                assertThat(a)
                    .containsEntry("mesh.auth.decision", "unauthenticated")
                    .containsEntry("rpc.grpc.status_code", "16"));
  }

  @Test
  void aRateLimitedCallCarriesTheRateLimitDecision() {
    start();
    String token = token("carol", "read");
    for (int i = 0; i < 3; i++) {
      unary(headers(token, null, null), "ok");
    }
    assertThat(unaryFails(headers(token, null, null), "ok").getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    closeAndCollect(4);
    Map<String, String> limited =
        attributes(receiver.span(TracedService.UNARY, "RESOURCE_EXHAUSTED"));
    assertThat(limited)
        .containsEntry("mesh.ratelimit.decision", "rejected")
        .containsEntry("mesh.auth.decision", "allowed")
        .containsEntry("rpc.grpc.status_code", "8");
    // 0.01 rps: the next token is about 100 s away.
    assertThat(Long.parseLong(limited.get("mesh.ratelimit.retry_after_ms")))
        .isBetween(90_000L, 100_000L);
    assertThat(
            receiver.spans().stream()
                .map(OtlpReceiver::attributes)
                .filter(a -> a.get("mesh.status").equals("OK")))
        .hasSize(3)
        .allSatisfy(
            a ->
                assertThat(a)
                    .containsEntry("mesh.ratelimit.decision", "allowed")
                    .doesNotContainKey("mesh.ratelimit.retry_after_ms"));
  }

  @Test
  void aCallTheAdaptiveLimitRefusesCarriesItsDecision() throws Exception {
    start(
        "--limits.adaptive.enabled=true",
        "--limits.adaptive.initial-limit=1",
        "--limits.adaptive.min-limit=1",
        "--limits.adaptive.max-limit=1",
        "--limits.adaptive.public-reserved=0");
    String token = token("dave", "read");
    CompletableFuture<String> held =
        CompletableFuture.supplyAsync(() -> unary(headers(token, null, null), "block"));
    assertThat(service.blocked.await(10, TimeUnit.SECONDS)).isTrue();
    Status refused = unaryFails(headers(token, null, null), "x");
    service.release();
    assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("block");
    assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    closeAndCollect(2);
    assertThat(attributes(receiver.span(TracedService.UNARY, "RESOURCE_EXHAUSTED")))
        .containsEntry("mesh.limits.adaptive.decision", "rejected")
        .containsEntry("mesh.ratelimit.decision", "allowed")
        .containsKey("mesh.limits.adaptive.retry_after_ms");
    assertThat(attributes(receiver.span(TracedService.UNARY, "OK")))
        .containsEntry("mesh.limits.adaptive.decision", "admitted");
  }

  @Test
  void anExceptionIsTracedWithItsTypeAndTheStatusItsHandlerMappedItTo() {
    start();
    assertThat(unaryFails(headers(token("erin", "read"), null, null), "missing").getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unaryFails(headers(token("erin", "read"), null, null), "secret").getCode())
        .isEqualTo(Status.Code.UNKNOWN);

    closeAndCollect(2);
    Span mapped = receiver.span(TracedService.UNARY, "NOT_FOUND");
    assertThat(attributes(mapped))
        .containsEntry("mesh.exception.type", TracedService.MissingException.class.getName())
        .containsEntry("rpc.grpc.status_code", "5");
    assertThat(mapped.getEventsList())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getName()).isEqualTo("exception");
              assertThat(OtlpReceiver.text(event.getAttributesList()))
                  .containsExactly(
                      Map.entry("exception.type", TracedService.MissingException.class.getName()));
            });
    assertThat(mapped.getStatus().getCode())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET);

    Span unmapped = receiver.span(TracedService.UNARY, "UNKNOWN");
    assertThat(attributes(unmapped))
        .containsEntry("mesh.exception.type", IllegalStateException.class.getName());
    assertThat(unmapped.getStatus().getCode())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    // The exception's message (which may hold anything) is never exported.
    assertThat(receiver.everyValue()).noneMatch(value -> value.contains("hunter2"));
  }

  @Test
  void noTokenAppearsAnywhereInTheExportedDataEvenWithIdentitiesRecorded() {
    start("--tracing.record-identity=true");
    Clock tenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
    unary(headers(token("alice", "read"), null, null), "ok");
    unaryFails(headers(token("bob", "write"), null, null), "x");
    unaryFails(headers(token(tenMinutesAgo, "mallory", "read"), null, null), "x");
    unaryFails(headers("not.a.token", null, null), "x");
    publicCall(headers(token("alice", "read"), null, null));

    closeAndCollect(5);
    assertThat(attributes(receiver.span(TracedService.UNARY, "OK")))
        .containsEntry("mesh.auth.subject", "alice");
    assertThat(attributes(receiver.span(TracedService.UNARY, "PERMISSION_DENIED")))
        .containsEntry("mesh.auth.subject", "bob");
    List<String> values = receiver.everyValue();
    assertThat(values).isNotEmpty();
    for (String token : tokens) {
      String signature = token.substring(token.lastIndexOf('.') + 1);
      assertThat(values).noneMatch(value -> value.contains(token) || value.contains(signature));
    }
    assertThat(values)
        .noneMatch(value -> value.contains("Bearer") || value.contains("not.a.token"))
        .doesNotContain("mallory");
  }

  @Test
  void samplingRatioZeroExportsNothing() throws InterruptedException {
    start("--tracing.sampling-ratio=0");
    publicCall(new Metadata());
    unary(headers(token("alice", "read"), null, null), "ok");
    server.close();
    Thread.sleep(300);
    assertThat(receiver.spans()).isEmpty();
    // Not sampled, the span is still current: its context travels on, marked not sampled.
    assertThat(service.currentSpan.get().isValid()).isTrue();
    assertThat(service.currentSpan.get().isSampled()).isFalse();
  }

  @Test
  void tracingOffExportsNothingAndNoSpanIsCurrent() throws InterruptedException {
    List<String> args =
        List.of(
            "--server.host=127.0.0.1",
            "--server.port=0",
            "--tls.mode=plaintext",
            "--metrics.port=0",
            receiver.endpointArgument());
    server = MeshApplication.start(args.toArray(String[]::new), service.module(), Map.of(), dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    publicCall(headers(null, "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01", null));
    server.close();
    Thread.sleep(300);
    assertThat(receiver.requests()).isEmpty();
    assertThat(service.currentSpan.get().isValid()).isFalse();
  }

  @Test
  void exportsCarryTheConfiguredHeaders() {
    start("--tracing.headers=x-api-key=k-123,x-team=7");
    publicCall(new Metadata());
    closeAndCollect(1);
    Metadata headers = receiver.headers().get(0);
    assertThat(headers.get(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("k-123");
    assertThat(headers.get(Metadata.Key.of("x-team", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("7");
  }

  @Test
  void anUnreachableReceiverLosesSpansNotCallsAndDoesNotHoldUpTheShutdown() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    start("--tracing.endpoint=http://127.0.0.1:" + closedPort, "--tracing.export-timeout=500ms");
    for (int i = 0; i < 3; i++) {
      publicCall(new Metadata());
    }
    long started = System.nanoTime();
    server.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(receiver.requests()).isEmpty();
  }
}
