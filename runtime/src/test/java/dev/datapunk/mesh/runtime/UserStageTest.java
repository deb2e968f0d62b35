package dev.datapunk.mesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.errors.HandlerResults;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.reliability.Scrape;
import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.CallOptions;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User stages on a real server started as the generated bootstrap starts it: they run in the
 * module's order, after authentication and the rate limit (a refused call never reaches them) and
 * just above the service, only for the services they are for; an exception one throws is mapped by
 * the exception handlers and counted with the mapped status.
 */
class UserStageTest {

  /** Secured ("read"), two calls per client that do not refill during the test. */
  private static final MethodPolicy UNARY =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
          .requireScopes("read")
          .rateLimit(0.001, 2)
          .build();

  /** Open; the failing stage throws on it. */
  private static final MethodPolicy SERVER_STREAMING =
      MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build();

  private static final String ECHO_SERVICE = "mesh.test.Echo";
  private static final MethodDescriptor<SimpleRequest, SimpleResponse> ECHO =
      MethodDescriptor.<SimpleRequest, SimpleResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(ECHO_SERVICE, "Echo"))
          .setRequestMarshaller(ProtoUtils.marshaller(SimpleRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(SimpleResponse.getDefaultInstance()))
          .build();

  /** What the stages saw, in order: "stage method subject". */
  private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

  @TempDir Path dir;
  private MeshServer server;
  private ManagedChannel channel;

  /** Thrown by the failing stage; the global handlers map it to UNAVAILABLE. */
  static final class StageRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @BeforeEach
  void start() {
    MeshModule module =
        MeshModule.builder()
            .binding(simpleService())
            .binding(echoService())
            .stage(recorder("outer"))
            .stage(recorder("inner"))
            .stage(recorder("echo-only"), ECHO_SERVICE)
            .stage(failingOn(SERVER_STREAMING))
            .stage(closeRecorder())
            .exceptionHandlers(
                ExceptionHandlers.builder()
                    .on(
                        StageRefusedException.class,
                        (exception, trailers) ->
                            HandlerResults.of(
                                Status.UNAVAILABLE.withDescription("stage refused"), trailers))
                    .on(
                        IllegalStateException.class,
                        (exception, trailers) ->
                            HandlerResults.of(
                                Status.FAILED_PRECONDITION.withDescription("not now"), trailers))
                    .build())
            .build();
    server =
        MeshApplication.start(
            new String[] {
              "--server.host=127.0.0.1",
              "--server.port=0",
              "--tls.mode=plaintext",
              "--metrics.port=" + LoopbackPorts.free()
            },
            module,
            Map.of(),
            dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void stagesRunInOrderAfterSecurityAndOnlyForTheirServices() throws IOException {
    String token = token("alice", "read");
    assertThat(unary(token).getResponseMessage()).isEqualTo("hello");
    assertThat(seen)
        .containsExactly("outer UnaryRpc alice", "inner UnaryRpc alice", "closed UnaryRpc OK null");
    seen.clear();

    assertThat(
            ClientCalls.blockingUnaryCall(
                    channel,
                    ECHO,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    SimpleRequest.newBuilder().setRequestMessage("echo").build())
                .getResponseMessage())
        .isEqualTo("echo");
    assertThat(seen)
        .containsExactly("outer Echo -", "inner Echo -", "echo-only Echo -", "closed Echo OK null");
  }

  @Test
  void callsRefusedBySecurityOrTheRateLimitNeverReachAStage() throws IOException {
    StatusRuntimeException anonymous =
        assertThrows(StatusRuntimeException.class, () -> unary(null));
    assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(seen).isEmpty();

    String token = token("bob", "read");
    unary(token);
    unary(token);
    assertThat(seen).hasSize(6);
    StatusRuntimeException limited = assertThrows(StatusRuntimeException.class, () -> unary(token));
    assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(seen).as("the third call was refused before the stages").hasSize(6);
  }

  @Test
  void aStageSeesTheCallEndWhenServiceCodeThrowsAndTheClientTheMappedStatus() throws IOException {
    StatusRuntimeException failed =
        assertThrows(StatusRuntimeException.class, () -> unary(token("carol", "read"), "boom"));
    assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(failed.getStatus().getDescription()).isEqualTo("not now");
    assertThat(seen).contains("closed UnaryRpc UNKNOWN java.lang.IllegalStateException: boom");
  }

  @Test
  void anExceptionFromAStageIsMappedAndCountedWithTheMappedStatus() {
    StatusRuntimeException refused =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                SimpleServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .serverStreamingRpc(SimpleRequest.getDefaultInstance())
                    .next());
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(refused.getStatus().getDescription()).isEqualTo("stage refused");
    assertThat(
            Scrape.of(server.metricsPort().orElseThrow())
                .sum(
                    "grpc_server_processing_duration_seconds_count",
                    "method=\"ServerStreamingRpc\"",
                    "statusCode=\"UNAVAILABLE\""))
        .isEqualTo(1);
  }

  /**
   * A stage that records, for every method, the call's method and verified subject ("-" when none).
   */
  private CallStage recorder(String name) {
    return policy ->
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            String subject = MeshPrincipal.current().flatMap(MeshPrincipal::subject).orElse("-");
            seen.add(name + " " + call.getMethodDescriptor().getBareMethodName() + " " + subject);
            return next.startCall(call, headers);
          }
        };
  }

  /** A stage that records how each call was closed below it: status code and cause. */
  private CallStage closeRecorder() {
    return policy ->
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            return next.startCall(
                new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                  @Override
                  public void close(Status status, Metadata trailers) {
                    seen.add(
                        "closed "
                            + call.getMethodDescriptor().getBareMethodName()
                            + " "
                            + status.getCode()
                            + " "
                            + status.getCause());
                    super.close(status, trailers);
                  }
                },
                headers);
          }
        };
  }

  /** A stage with an interceptor only for {@code failing}'s method, which throws on every call. */
  private static CallStage failingOn(MethodPolicy failing) {
    return policy ->
        !policy.fullMethodName().equals(failing.fullMethodName())
            ? null
            : new ServerInterceptor() {
              @Override
              public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
                  ServerCall<ReqT, RespT> call,
                  Metadata headers,
                  ServerCallHandler<ReqT, RespT> next) {
                throw new StageRefusedException();
              }
            };
  }

  private SimpleResponse unary(String token) {
    return unary(token, "hello");
  }

  private SimpleResponse unary(String token, String message) {
    SimpleServiceGrpc.SimpleServiceBlockingStub stub =
        SimpleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    if (token != null) {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return stub.unaryRpc(SimpleRequest.newBuilder().setRequestMessage(message).build());
  }

  private String token(String subject, String... scopes) throws IOException {
    return DevTokens.mint(
        DevSigningKey.ensure(dir.resolve(".mesh/dev")),
        new DevTokenRequest(
            subject, List.of(scopes), Duration.ofMinutes(5), Optional.empty(), Optional.empty()));
  }

  private static MeshBinding simpleService() {
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            if (request.getRequestMessage().equals("boom")) {
              throw new IllegalStateException("boom");
            }
            responses.onNext(
                SimpleResponse.newBuilder()
                    .setResponseMessage(request.getRequestMessage())
                    .build());
            responses.onCompleted();
          }
        };
    List<MethodPolicy> policies =
        List.of(
            UNARY,
            SERVER_STREAMING,
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build());
    return MeshBinding.of(service.bindService(), policies);
  }

  private static MeshBinding echoService() {
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder(ECHO_SERVICE)
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, responses) -> {
                      responses.onNext(
                          SimpleResponse.newBuilder()
                              .setResponseMessage(request.getRequestMessage())
                              .build());
                      responses.onCompleted();
                    }))
            .build();
    return MeshBinding.of(echo, List.of(MethodPolicy.builder(ECHO).build()));
  }
}
