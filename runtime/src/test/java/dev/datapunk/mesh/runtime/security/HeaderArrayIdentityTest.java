package dev.datapunk.mesh.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pins the grpc-netty behaviour the JWT verifier's header-array memo relies on for its speed (not
 * for its correctness): a header the client repeats reaches every call of one connection as the
 * very same {@code byte[]} (the one in the connection's HPACK table), and another connection gets
 * another array. Should a grpc-java upgrade change this, the memo stops hitting and this test says
 * why the cached-token path became slower; answers stay right, as the memo compares identity.
 */
class HeaderArrayIdentityTest {

  private static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("identity.Test/Echo")
          .setRequestMarshaller(Bytes.INSTANCE)
          .setResponseMarshaller(Bytes.INSTANCE)
          .build();

  @Test
  void aRepeatedHeaderArrivesAsOneArrayPerConnection() throws Exception {
    List<byte[]> seen = new CopyOnWriteArrayList<>();
    ServerInterceptor capture =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            seen.add(headers.get(AuthorizationHeader.KEY));
            return next.startCall(call, headers);
          }
        };
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("identity.Test")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext(request);
                      response.onCompleted();
                    }))
            .build();
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                InsecureServerCredentials.create())
            .addService(ServerInterceptors.intercept(service, capture))
            .build()
            .start();
    try {
      callThreeTimes(server.getPort());
      callThreeTimes(server.getPort());
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    assertThat(seen).hasSize(6);
    assertThat(seen.get(1)).isSameAs(seen.get(0));
    assertThat(seen.get(2)).isSameAs(seen.get(0));
    assertThat(seen.get(4)).isSameAs(seen.get(3));
    assertThat(seen.get(5)).isSameAs(seen.get(3));
    assertThat(seen.get(3))
        .as("another connection, another array")
        .isNotSameAs(seen.get(0))
        .isEqualTo(seen.get(0));
  }

  private static void callThreeTimes(int port) throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                InetAddress.getLoopbackAddress().getHostAddress(),
                port,
                InsecureChannelCredentials.create())
            .build();
    try {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + "t".repeat(300));
      io.grpc.Channel authorized =
          io.grpc.ClientInterceptors.intercept(
              channel, MetadataUtils.newAttachHeadersInterceptor(headers));
      for (int i = 0; i < 3; i++) {
        ClientCalls.blockingUnaryCall(
            authorized,
            ECHO,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            new byte[] {1});
      }
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** Raw bytes as the message. */
  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
