package dev.datapunk.mesh.runtime.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.chain.CallChain;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.security.SecurityStages;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A secured, limited method keys its buckets on the verified token subject (the key the token
 * carries ready-made), not on the connection: callers sharing one channel get one bucket each, and
 * two different tokens of one subject share it.
 */
class SubjectKeyEndToEndTest {

  private static final MethodPolicy LIMITED =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
          .requireScopes("s")
          .rateLimit(0.001, 1)
          .build();

  private final LocalRateLimiterBackend limiter = LocalRateLimiterBackend.create();
  private Server server;
  private ManagedChannel channel;

  /** Test tokens: "<subject>/<anything>" verifies as {@code subject} with scope s. */
  private static VerifiedToken verify(String token) throws TokenRejectedException {
    int slash = token.indexOf('/');
    if (slash < 0) {
      throw new TokenRejectedException(TokenRejectedException.Reason.BAD_SIGNATURE);
    }
    return new VerifiedToken(
        token.substring(0, slash), Set.of("s"), Instant.now().plusSeconds(60), Map.of());
  }

  @BeforeEach
  void start() throws Exception {
    CallChain chain =
        CallChain.of(
            SecurityStages.authentication(SubjectKeyEndToEndTest::verify, false),
            SecurityStages.authorization(),
            new RateLimitStage(limiter, Map.of(), new MeshMeters(new SimpleMeterRegistry())));
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            responses.onNext(SimpleResponse.newBuilder().setResponseMessage("ok").build());
            responses.onCompleted();
          }
        };
    ServerServiceDefinition definition =
        chain.wrap(
            service.bindService(),
            List.of(
                LIMITED,
                MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build(),
                MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
                MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build()));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(definition)
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
  void eachSubjectHasItsOwnBucketOnASharedConnection() {
    assertEquals("ok", call("Bearer alice/1"));
    assertEquals("ok", call("Bearer bob/1"));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, rejected("Bearer alice/1"));
    assertEquals(
        Status.Code.RESOURCE_EXHAUSTED, rejected("Bearer alice/2"), "another token of alice");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, rejected("Bearer bob/1"));
    assertEquals("ok", call("Bearer  carol/1 "));
  }

  private String call(String authorization) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
    return SimpleServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .unaryRpc(SimpleRequest.getDefaultInstance())
        .getResponseMessage();
  }

  private Status.Code rejected(String authorization) {
    return assertThrows(StatusRuntimeException.class, () -> call(authorization))
        .getStatus()
        .getCode();
  }
}
