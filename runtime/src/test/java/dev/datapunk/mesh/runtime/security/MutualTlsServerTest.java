package dev.datapunk.mesh.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.tls.CertificateFixture;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transport security of a whole mesh server started from configuration over mTLS on loopback, with
 * {@code tls.allowed-identities}: bad client certificates never reach a service (the handshake
 * fails: UNAVAILABLE); a good certificate outside the allow list gets PERMISSION_DENIED on every
 * service, health and reflection included.
 */
class MutualTlsServerTest {

  @TempDir static Path dir;

  static MeshTestServer.Pki pki;
  static MeshTestServer server;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    pki = MeshTestServer.Pki.create(Files.createDirectories(dir.resolve("pki")));
    List<String> args = new ArrayList<>(pki.tlsArgs());
    args.add("--tls.allowed-identities=spiffe://mesh.test/ns/shop/*,legacy-batch");
    server = MeshTestServer.start(dir, args);
    token =
        DevTokens.mint(
            DevSigningKey.ensure(dir.resolve(".mesh/dev")),
            new DevTokenRequest(
                "alice",
                List.of("read"),
                Duration.ofMinutes(5),
                Optional.empty(),
                Optional.empty()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertHandshakeRefused(ChannelCredentials credentials) {
    int before = server.serviceCalls();
    ManagedChannel channel = server.channel(credentials);
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class, () -> MeshTestServer.unary(channel, "Bearer " + token));
    assertThat(e.getStatus().getCode())
        .as(e.getStatus().toString())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThrows(StatusRuntimeException.class, () -> MeshTestServer.publicCall(channel));
    assertThat(server.serviceCalls()).isEqualTo(before);
  }

  private static void assertIdentityDenied(ManagedChannel channel) {
    int before = server.serviceCalls();
    for (Runnable call :
        List.<Runnable>of(
            () -> MeshTestServer.unary(channel, "Bearer " + token),
            () -> MeshTestServer.unary(channel),
            () -> MeshTestServer.publicCall(channel),
            () ->
                HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()))) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(e.getStatus().getDescription()).isEqualTo(PeerAllowList.DENIED_DESCRIPTION);
    }
    assertThat(MeshTestServer.reflectionStatus(channel).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(server.serviceCalls()).isEqualTo(before);
  }

  @Test
  void anAllowedClientReachesEveryMethodWithItsIdentity() {
    ManagedChannel channel = server.channel(pki.client());
    assertThat(MeshTestServer.unary(channel, "Bearer " + token))
        .isEqualTo("alice|" + MeshTestServer.CLIENT_ID);
    assertThat(MeshTestServer.publicCall(channel)).isEqualTo(MeshTestServer.CLIENT_ID);
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    assertThat(MeshTestServer.reflectionStatus(channel)).isEqualTo(Status.OK);
  }

  @Test
  void anExactCommonNameEntryAllowsThatClient() {
    ChannelCredentials batch =
        pki.client(pki.ca().leaf("legacy-batch").clientAuth().issue(), "legacy-batch");
    assertThat(MeshTestServer.publicCall(server.channel(batch))).isEqualTo("legacy-batch");
  }

  @Test
  void noClientCertificateNeverReachesAService() {
    assertHandshakeRefused(pki.noClientCertificate());
  }

  @Test
  void aCertificateFromAnotherCaNeverReachesAService() {
    CertificateFixture other = CertificateFixture.newCa("Other CA");
    assertHandshakeRefused(
        pki.client(
            other.leaf("intruder").uri(MeshTestServer.CLIENT_ID).clientAuth().issue(), "intruder"));
  }

  @Test
  void anExpiredClientCertificateNeverReachesAService() {
    assertHandshakeRefused(
        pki.client(
            pki.ca().leaf("expired").uri(MeshTestServer.CLIENT_ID).clientAuth().expired().issue(),
            "expired"));
  }

  @Test
  void aCertificateWithoutClientAuthUsageNeverReachesAService() {
    assertHandshakeRefused(
        pki.client(
            pki.ca().leaf("server-only").uri(MeshTestServer.CLIENT_ID).serverAuth().issue(),
            "server-only"));
  }

  @Test
  void anIdentityOutsideTheAllowListIsDeniedEverywhere() {
    assertIdentityDenied(
        server.channel(
            pki.client(
                pki.ca()
                    .leaf("billing")
                    .uri("spiffe://mesh.test/ns/billing/client")
                    .clientAuth()
                    .issue(),
                "billing")));
    // Neither a sibling whose name merely starts like the prefix, nor the prefix itself.
    assertIdentityDenied(
        server.channel(
            pki.client(
                pki.ca()
                    .leaf("shopper")
                    .uri("spiffe://mesh.test/ns/shopper/x")
                    .clientAuth()
                    .issue(),
                "shopper")));
    assertIdentityDenied(
        server.channel(pki.client(pki.ca().leaf("legacy").clientAuth().issue(), "legacy")));
  }
}
