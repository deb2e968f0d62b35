package dev.datapunk.mesh.runtime.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.metrics.MetricsStage;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.RateLimitStage;
import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import dev.datapunk.mesh.runtime.security.SecurityStages;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chain puts each stage on the path of exactly the methods whose policy asks for it, in the
 * order metrics, authentication, authorization, rate limit; proven on real calls through grpc.
 */
class CallChainTest {

  /** Open, no limit. */
  static final MethodPolicy UNARY =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).build();

  /** Secured, no limit. */
  static final MethodPolicy SERVER_STREAMING =
      MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod())
          .requireScopes("read", "audit")
          .build();

  /** Open, limited to a burst of 2 and a rate too low to refill during the test. */
  static final MethodPolicy CLIENT_STREAMING =
      MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod())
          .rateLimit(0.001, 2)
          .build();

  /** Public and limited. */
  static final MethodPolicy BIDI =
      MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod())
          .publicAccess()
          .rateLimit(0.001, 1)
          .build();

  /** Every method's policy, in the order of the service descriptor. */
  static final List<MethodPolicy> POLICIES =
      List.of(UNARY, SERVER_STREAMING, CLIENT_STREAMING, BIDI);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LocalRateLimiterBackend limiter = LocalRateLimiterBackend.create();
  private final CallChain chain = standardChain(registry, limiter);
  private Server server;
  private ManagedChannel channel;

  static CallChain standardChain(SimpleMeterRegistry registry, LocalRateLimiterBackend limiter) {
    return CallChain.of(
        new MetricsStage(registry),
        SecurityStages.authentication(CallChainTest::verify, false),
        SecurityStages.authorization(),
        new RateLimitStage(limiter, Map.of(), new MeshMeters(registry)));
  }

  /** Test tokens: "scopes=a,b" grants a and b to subject "tester"; anything else is rejected. */
  static VerifiedToken verify(String token) throws TokenRejectedException {
    if (!token.startsWith("scopes=")) {
      throw new TokenRejectedException(TokenRejectedException.Reason.BAD_SIGNATURE);
    }
    Set<String> scopes =
        new HashSet<>(Arrays.asList(token.substring("scopes=".length()).split(",")));
    return new VerifiedToken("tester", scopes, Instant.now().plusSeconds(60), Map.of());
  }

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(chain.wrap(new SimpleService().bindService(), POLICIES))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    limiter.close();
  }

  @Test
  void eachMethodGetsExactlyTheStagesItsPolicyNeeds() {
    assertThat(stageNames(UNARY)).containsExactly("MetricsInterceptor");
    assertThat(stageNames(SERVER_STREAMING))
        .containsExactly(
            "MetricsInterceptor", "AuthenticationInterceptor", "AuthorizationInterceptor");
    assertThat(stageNames(CLIENT_STREAMING))
        .containsExactly("MetricsInterceptor", "RateLimitInterceptor");
    assertThat(stageNames(BIDI)).containsExactly("MetricsInterceptor", "RateLimitInterceptor");
  }

  @Test
  void openMethodNeedsNoTokenAndIsNeverLimited() {
    for (int i = 0; i < 50; i++) {
      assertThat(unary(null).getResponseMessage()).isEqualTo("hello");
    }
  }

  @Test
  void securedMethodRejectsMissingAndBadTokensAndMissingScopes() {
    assertStatus(() -> serverStreaming(null), Status.Code.UNAUTHENTICATED, "missing bearer token");
    assertStatus(
        () -> serverStreaming("Bearer forged"),
        Status.Code.UNAUTHENTICATED,
        "invalid token signature");
    assertStatus(
        () -> serverStreaming("Basic dXNlcjpwdw=="),
        Status.Code.UNAUTHENTICATED,
        "missing bearer token");
    assertStatus(
        () -> serverStreaming("Bearer scopes=read"),
        Status.Code.PERMISSION_DENIED,
        "token lacks scope audit");
    assertThat(serverStreaming("bearer scopes=read,audit")).containsExactly("tester");
  }

  @Test
  void securedMethodIsNotRateLimited() {
    for (int i = 0; i < 20; i++) {
      assertThat(serverStreaming("Bearer scopes=read,audit")).containsExactly("tester");
    }
  }

  @Test
  void limitedMethodRejectsPastItsBurstWithRetryInfoAndQuotaFailure() throws Exception {
    assertThat(clientStreaming().getResponseMessage()).isEqualTo("2 messages");
    assertThat(clientStreaming().getResponseMessage()).isEqualTo("2 messages");
    StatusRuntimeException rejected =
        assertThrows(StatusRuntimeException.class, this::clientStreaming);
    assertThat(rejected.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(rejected.getStatus().getDescription())
        .isEqualTo(
            "rate limit exceeded for grpc.testing.SimpleService/ClientStreamingRpc: 0.001 rps,"
                + " burst 2");
    com.google.rpc.Status details = StatusProto.fromThrowable(rejected);
    RetryInfo retry = details.getDetails(0).unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isBetween(900L, 1000L);
    QuotaFailure quota = details.getDetails(1).unpack(QuotaFailure.class);
    assertThat(quota.getViolations(0).getDescription())
        .isEqualTo(
            "0.001 rps, burst 2 per client for grpc.testing.SimpleService/ClientStreamingRpc");
    assertThat(rateLimitDecisions("allowed")).isEqualTo(2);
    assertThat(rateLimitDecisions("rejected")).isEqualTo(1);
  }

  @Test
  void metricsCountEveryCallWithItsRealStatus() {
    unary(null);
    assertThrows(StatusRuntimeException.class, () -> serverStreaming(null));
    assertThrows(StatusRuntimeException.class, () -> serverStreaming("Bearer scopes=read"));
    assertThat(timerCount("UnaryRpc", "OK")).isEqualTo(1);
    assertThat(timerCount("ServerStreamingRpc", "UNAUTHENTICATED")).isEqualTo(1);
    assertThat(timerCount("ServerStreamingRpc", "PERMISSION_DENIED")).isEqualTo(1);
    assertThat(
            registry
                .get("grpc.server.requests.received")
                .tag("method", "UnaryRpc")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry.get("grpc.server.responses.sent").tag("method", "UnaryRpc").counter().count())
        .isEqualTo(1);
  }

  @Test
  void anExceptionFromServiceCodeBecomesUnknownAndIsCounted() {
    StatusRuntimeException failed = assertThrows(StatusRuntimeException.class, () -> unary("boom"));
    assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(failed.getStatus().getDescription()).isEqualTo("application error");
    assertThat(timerCount("UnaryRpc", "UNKNOWN")).isEqualTo(1);
  }

  @Test
  void bindingWhosePoliciesDoNotMatchTheServiceIsRefused() {
    CallChain fresh = standardChain(new SimpleMeterRegistry(), limiter);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                fresh.wrap(
                    new SimpleService().bindService(),
                    List.of(UNARY, SERVER_STREAMING, CLIENT_STREAMING)));
    assertThat(e)
        .hasMessageContaining("no mesh policy for grpc.testing.SimpleService/BidiStreamingRpc");
  }

  /**
   * The stages of {@code policy}'s method in a fresh chain (a backend makes one limiter per
   * method).
   */
  private static List<String> stageNames(MethodPolicy policy) {
    try (LocalRateLimiterBackend backend = LocalRateLimiterBackend.create()) {
      return standardChain(new SimpleMeterRegistry(), backend).interceptorsFor(policy).stream()
          .map(i -> i.getClass().getSimpleName())
          .toList();
    }
  }

  private double rateLimitDecisions(String result) {
    return registry
        .get("mesh.ratelimit.decisions")
        .tag("method", "grpc.testing.SimpleService/ClientStreamingRpc")
        .tag("result", result)
        .tag("backend", "local")
        .counter()
        .count();
  }

  private double timerCount(String method, String status) {
    return registry
        .get("grpc.server.processing.duration")
        .tag("method", method)
        .tag("statusCode", status)
        .timer()
        .count();
  }

  private static void assertStatus(Runnable call, Status.Code code, String description) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertThat(e.getStatus().getCode()).isEqualTo(code);
    assertThat(e.getStatus().getDescription()).isEqualTo(description);
  }

  private SimpleResponse unary(String message) {
    SimpleRequest request =
        SimpleRequest.newBuilder().setRequestMessage(message == null ? "hello" : message).build();
    return SimpleServiceGrpc.newBlockingStub(channel).unaryRpc(request);
  }

  private List<String> serverStreaming(String authorization) {
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
    }
    SimpleServiceGrpc.SimpleServiceBlockingStub stub =
        SimpleServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    List<String> replies = new java.util.ArrayList<>();
    stub.serverStreamingRpc(SimpleRequest.getDefaultInstance())
        .forEachRemaining(r -> replies.add(r.getResponseMessage()));
    return replies;
  }

  private SimpleResponse clientStreaming() throws Exception {
    java.util.concurrent.CompletableFuture<SimpleResponse> result =
        new java.util.concurrent.CompletableFuture<>();
    StreamObserver<SimpleRequest> requests =
        ClientCalls.asyncClientStreamingCall(
            channel.newCall(SimpleServiceGrpc.getClientStreamingRpcMethod(), CallOptions.DEFAULT),
            new StreamObserver<>() {
              @Override
              public void onNext(SimpleResponse value) {
                result.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                result.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(SimpleRequest.getDefaultInstance());
    requests.onNext(SimpleRequest.getDefaultInstance());
    requests.onCompleted();
    try {
      return result.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** Echoes; the subject of the verified principal for server streaming; throws on "boom". */
  static final class SimpleService extends SimpleServiceGrpc.SimpleServiceImplBase {
    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      if (request.getRequestMessage().equals("boom")) {
        throw new IllegalStateException("boom");
      }
      responses.onNext(
          SimpleResponse.newBuilder().setResponseMessage(request.getRequestMessage()).build());
      responses.onCompleted();
    }

    @Override
    public void serverStreamingRpc(
        SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      String subject = MeshPrincipal.current().flatMap(MeshPrincipal::subject).orElse("nobody");
      responses.onNext(SimpleResponse.newBuilder().setResponseMessage(subject).build());
      responses.onCompleted();
    }

    @Override
    public StreamObserver<SimpleRequest> clientStreamingRpc(
        StreamObserver<SimpleResponse> responses) {
      return new StreamObserver<>() {
        int count;

        @Override
        public void onNext(SimpleRequest value) {
          count++;
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          responses.onNext(
              SimpleResponse.newBuilder().setResponseMessage(count + " messages").build());
          responses.onCompleted();
        }
      };
    }
  }
}
