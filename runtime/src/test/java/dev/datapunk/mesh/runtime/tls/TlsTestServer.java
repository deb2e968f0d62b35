package dev.datapunk.mesh.runtime.tls;

import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;

/**
 * A real Netty gRPC server on 127.0.0.1 (ephemeral port) serving SimpleService, whose unary RPC
 * answers with the caller's {@link PeerIdentity} (or "(none)"). Closes its channels and itself.
 */
final class TlsTestServer implements AutoCloseable {

  static final String NO_IDENTITY = "(none)";
  private static final Context.Key<String> IDENTITY = Context.key("test-peer-identity");

  private final Server server;
  private final AtomicInteger serviceCalls = new AtomicInteger();
  private final AtomicReference<SSLSession> lastSession = new AtomicReference<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  TlsTestServer(ServerCredentials credentials, ServerInterceptor... extra) throws IOException {
    ServerInterceptor identity =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            lastSession.set(session);
            Context context =
                Context.current()
                    .withValue(IDENTITY, PeerIdentity.of(call.getAttributes()).orElse(NO_IDENTITY));
            return Contexts.interceptCall(context, call, headers, next);
          }
        };
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            serviceCalls.incrementAndGet();
            response.onNext(SimpleResponse.newBuilder().setResponseMessage(IDENTITY.get()).build());
            response.onCompleted();
          }
        };
    // Interceptors listed later run first: the extra ones (e.g. an allow list) before identity.
    List<ServerInterceptor> chain = new ArrayList<>();
    chain.add(identity);
    chain.addAll(List.of(extra));
    server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials)
            .addService(ServerInterceptors.intercept(service, chain))
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  /** How often the service method ran. */
  int serviceCalls() {
    return serviceCalls.get();
  }

  /** The TLS session of the last call that reached the interceptors. */
  SSLSession lastSession() {
    return lastSession.get();
  }

  /** A new channel (so a new connection) to this server, authority "localhost". */
  ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), credentials)
            .overrideAuthority("localhost")
            .build();
    synchronized (channels) {
      channels.add(channel);
    }
    return channel;
  }

  /** One unary call on {@code channel}; returns the identity the server saw. */
  static String call(ManagedChannel channel) {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build())
        .getResponseMessage();
  }

  @Override
  public void close() {
    try {
      synchronized (channels) {
        for (ManagedChannel channel : channels) {
          channel.shutdownNow();
        }
        for (ManagedChannel channel : channels) {
          channel.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
