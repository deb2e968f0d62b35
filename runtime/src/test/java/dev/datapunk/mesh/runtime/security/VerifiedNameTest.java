package dev.datapunk.mesh.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MeshPrincipal#verifiedName()} as service code sees it on a real server: the mTLS peer
 * identity wins over the token's subject; without a client certificate the subject is the name.
 */
class VerifiedNameTest {

  @TempDir Path dir;

  /**
   * UnaryRpc is {@code @Secured("read")}, ServerStreamingRpc {@code @Public}; both answer what the
   * principal says.
   */
  private static MeshBinding echoBinding() {
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            MeshPrincipal principal = MeshPrincipal.current().orElseThrow();
            reply(
                responses,
                principal.verifiedName()
                    + "|"
                    + principal.verifiedKey()
                    + "|"
                    + principal.subject().orElse("-")
                    + "|"
                    + principal.transportIdentity().orElse("-"));
          }

          @Override
          public void serverStreamingRpc(
              SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            reply(
                responses,
                MeshPrincipal.current().map(MeshPrincipal::verifiedName).orElse("no principal"));
          }
        };
    return MeshBinding.of(
        service.bindService(),
        List.of(
            MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
                .requireScopes("read")
                .build(),
            MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod())
                .publicAccess()
                .build(),
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build()));
  }

  private static void reply(StreamObserver<SimpleResponse> responses, String text) {
    responses.onNext(SimpleResponse.newBuilder().setResponseMessage(text).build());
    responses.onCompleted();
  }

  @Test
  void theCertificateIdentityWinsOverTheTokenSubject() throws Exception {
    MeshTestServer.Pki pki = MeshTestServer.Pki.create(Files.createDirectories(dir.resolve("pki")));
    try (MeshServer server = start(pki, "mtls")) {
      ManagedChannel channel = channel(server, pki.client());
      try {
        assertThat(MeshTestServer.unary(channel, "Bearer " + token("alice")))
            .isEqualTo(
                MeshTestServer.CLIENT_ID
                    + "|id:"
                    + MeshTestServer.CLIENT_ID
                    + "|alice|"
                    + MeshTestServer.CLIENT_ID);
        assertThat(MeshTestServer.publicCall(channel)).isEqualTo(MeshTestServer.CLIENT_ID);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void withoutAClientCertificateTheSubjectIsTheName() throws Exception {
    MeshTestServer.Pki pki = MeshTestServer.Pki.create(Files.createDirectories(dir.resolve("pki")));
    try (MeshServer server = start(pki, "tls")) {
      ManagedChannel channel = channel(server, pki.noClientCertificate());
      try {
        assertThat(MeshTestServer.unary(channel, "Bearer " + token("alice")))
            .isEqualTo("alice|sub:alice|alice|-");
        assertThat(MeshTestServer.publicCall(channel)).isEqualTo("no principal");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private MeshServer start(MeshTestServer.Pki pki, String tlsMode) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--metrics.port=0",
                "--server.shutdown-grace=1s",
                "--tls.mode=" + tlsMode));
    args.addAll(pki.tlsArgs());
    if (!tlsMode.equals("mtls")) {
      args.removeIf(arg -> arg.startsWith("--tls.ca="));
    }
    return MeshApplication.start(
        args.toArray(String[]::new), List.of(echoBinding()), Map.of(), dir);
  }

  private static ManagedChannel channel(MeshServer server, ChannelCredentials credentials) {
    return Grpc.newChannelBuilderForAddress("localhost", server.port(), credentials).build();
  }

  private String token(String subject) throws Exception {
    return DevTokens.mint(
        DevSigningKey.ensure(dir.resolve(".mesh/dev")),
        new DevTokenRequest(
            subject, List.of("read"), Duration.ofMinutes(5), Optional.empty(), Optional.empty()));
  }
}
