package dev.datapunk.mesh.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import dev.datapunk.mesh.runtime.server.MeshServer;
import dev.datapunk.mesh.test.probe.MeshMain;
import dev.datapunk.mesh.test.probe.v1.HelloRequest;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc;
import dev.datapunk.mesh.test.probe.v1.ReadRequest;
import dev.datapunk.mesh.test.probe.v1.WatchRequest;
import dev.datapunk.mesh.test.probe.v1.WriteRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same calls against the kit's in-process server and against a Netty server on loopback built
 * from the same module with {@code MeshServer.builder}: every call ends with the same status and
 * description on both, but for the request larger than {@code server.max-inbound-message-size},
 * which only Netty refuses. Both run {@code tls.mode=plaintext} (so nothing but the transport
 * differs) and a rate limiter whose clock stands still.
 */
class TransportParityTest {

  private static final String[] PLAINTEXT = {
    "--tls.mode=plaintext", "--server.host=127.0.0.1", "--server.port=0", "--metrics.port=0"
  };

  /** One of the two servers, as the calls reach it. */
  private interface Side {
    Channel channel(String token);

    String token(String subject, String... scopes);
  }

  @Test
  void inProcessAndNettyAnswerEveryCallAlike() throws Exception {
    List<String> inProcess;
    try (MeshTestServer mesh = MeshTestServer.builder(MeshMain.module()).args(PLAINTEXT).start()) {
      inProcess =
          script(
              new Side() {
                @Override
                public Channel channel(String token) {
                  return token == null ? mesh.channel() : mesh.withToken(token).channel();
                }

                @Override
                public String token(String subject, String... scopes) {
                  return mesh.token(subject, scopes);
                }
              });
    }

    List<String> netty;
    MeshConfig config =
        ConfigLoader.loadNamedFileOnly(PLAINTEXT, java.util.Map.of(), Path.of("")).config();
    ECKey key = DevSigningKey.newSigningKey();
    JWKSet trusted = new JWKSet(key.toPublicJWK());
    LocalRateLimiterBackend limiter = LocalRateLimiterBackend.builder().clock(() -> 0L).build();
    MeshServer server =
        MeshServer.builder(config)
            .module(MeshMain.module())
            .credentials(InsecureServerCredentials.create(), false)
            .meterRegistry(new SimpleMeterRegistry())
            .tokenVerifier(new JwtTokenVerifier(() -> trusted, config.jwt()))
            .rateLimiterBackend(limiter)
            .closeOnShutdown(limiter)
            .build()
            .start();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    try {
      netty =
          script(
              new Side() {
                @Override
                public Channel channel(String token) {
                  return token == null
                      ? channel
                      : ClientInterceptors.intercept(channel, bearer(token));
                }

                @Override
                public String token(String subject, String... scopes) {
                  return DevTokens.mint(
                      key,
                      new DevTokenRequest(
                          subject,
                          List.of(scopes),
                          Duration.ofHours(1),
                          Optional.empty(),
                          Optional.empty()),
                      Clock.systemUTC());
                }
              });
    } finally {
      channel.shutdownNow();
      server.close();
    }

    int last = inProcess.size() - 1;
    assertThat(inProcess.subList(0, last))
        .containsExactlyElementsOf(netty.subList(0, last))
        .containsExactly(
            "OK anonymous",
            "OK anonymous",
            "UNAUTHENTICATED missing bearer token",
            "UNAUTHENTICATED malformed bearer token",
            "PERMISSION_DENIED token lacks scope probe:read",
            "OK hello",
            "NOT_FOUND no key nothing",
            "OK 1",
            "OK 2",
            "OK 3",
            "OK 4",
            "OK 5",
            "RESOURCE_EXHAUSTED rate limit exceeded for meshtest.probe.v1.ProbeService/Write: 5"
                + " rps, burst 5",
            "OK [0, 1, 2]",
            "INVALID_ARGUMENT request is not a valid message for"
                + " meshtest.probe.v1.ProbeService/Read",
            "UNIMPLEMENTED Method not found: meshtest.probe.v1.ProbeService/Missing");
    // The one difference: in-process calls pass message objects, not framed bytes, so only Netty
    // enforces server.max-inbound-message-size (the kit's documentation says so).
    assertThat(netty.get(last)).startsWith("RESOURCE_EXHAUSTED");
    assertThat(inProcess.get(last)).isEqualTo("OK 6");
  }

  /** The calls, and what each answered. */
  private static List<String> script(Side side) {
    List<String> answers = new ArrayList<>();
    String reader = side.token("alice", "probe:read");
    String writer = side.token("bob", "probe:write");
    ReadRequest greeting = ReadRequest.newBuilder().setKey("greeting").build();

    answers.add(
        answer(() -> stub(side, null).hello(HelloRequest.getDefaultInstance()).getCaller()));
    answers.add(
        answer(() -> stub(side, reader).hello(HelloRequest.getDefaultInstance()).getCaller()));
    answers.add(answer(() -> stub(side, null).read(greeting).getValue()));
    answers.add(answer(() -> stub(side, "not-a-token").read(greeting).getValue()));
    answers.add(answer(() -> stub(side, writer).read(greeting).getValue()));
    answers.add(answer(() -> stub(side, reader).read(greeting).getValue()));
    answers.add(
        answer(
            () ->
                stub(side, reader)
                    .read(ReadRequest.newBuilder().setKey("nothing").build())
                    .getValue()));
    for (int i = 0; i < 6; i++) {
      answers.add(
          answer(
              () ->
                  Long.toString(
                      stub(side, writer)
                          .write(WriteRequest.newBuilder().setKey("k").setValue("v").build())
                          .getVersion())));
    }
    answers.add(
        answer(
            () -> {
              List<String> values = new ArrayList<>();
              stub(side, reader)
                  .watch(WatchRequest.newBuilder().setCount(3).build())
                  .forEachRemaining(r -> values.add(r.getValue()));
              return values.toString();
            }));
    answers.add(
        answer(
            () ->
                raw(
                    side.channel(reader),
                    ProbeServiceGrpc.getReadMethod().getFullMethodName(),
                    new byte[] {(byte) 0xff, 0x01})));
    answers.add(
        answer(
            () ->
                raw(side.channel(reader), "meshtest.probe.v1.ProbeService/Missing", new byte[0])));
    answers.add(
        answer(
            () ->
                Long.toString(
                    stub(side, side.token("carol", "probe:write"))
                        .write(
                            WriteRequest.newBuilder()
                                .setKey("big")
                                .setPayload(ByteString.copyFrom(new byte[5 * 1024 * 1024]))
                                .build())
                        .getVersion())));
    return answers;
  }

  private static ProbeServiceGrpc.ProbeServiceBlockingStub stub(Side side, String token) {
    return ProbeServiceGrpc.newBlockingStub(side.channel(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private interface Call {
    String run();
  }

  private static String answer(Call call) {
    try {
      return "OK " + call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + " " + e.getStatus().getDescription();
    }
  }

  /** A unary call of {@code fullMethodName} with {@code body} as its request message's bytes. */
  private static String raw(Channel channel, String fullMethodName, byte[] body) {
    MethodDescriptor<byte[], byte[]> method =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(fullMethodName)
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    byte[] reply =
        ClientCalls.blockingUnaryCall(
            channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), body);
    return ByteString.copyFrom(reply).toString();
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static io.grpc.ClientInterceptor bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }
}
