package dev.datapunk.mesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes against a Netty server on 127.0.0.1 using {@link ServerTls}. */
class ServerTlsMutualTest {

  @TempDir Path dir;

  private CertificateFixture ca;
  private Path caFile;
  private Path serverCert;
  private Path serverKey;
  private ServerTls tls;
  private TlsTestServer server;

  @BeforeEach
  void startMutualTlsServer() throws Exception {
    ca = CertificateFixture.newCa("Test CA");
    caFile = ca.writeCertificate(dir.resolve("ca.pem"));
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
    ca.leaf("localhost")
        .dns("localhost")
        .ip("127.0.0.1")
        .serverAuth()
        .issue()
        .writeChain(serverCert, serverKey);
    tls = ServerTls.start(ServerTlsConfig.mtls(serverCert, serverKey, caFile));
    server = new TlsTestServer(tls.credentials());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    tls.close();
  }

  private ChannelCredentials clientPresenting(CertificateFixture.Issued client, String name)
      throws Exception {
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + ".key");
    client.writeChain(cert, key);
    return ClientTls.mutual(caFile, cert, key);
  }

  private void assertRejected(ChannelCredentials credentials) {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class, () -> TlsTestServer.call(server.channel(credentials)));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    assertEquals(0, server.serviceCalls(), "the service must never run");
  }

  @Test
  void clientWithSpiffeIdIsAcceptedAndIdentifiedBySpiffeId() throws Exception {
    ChannelCredentials client =
        clientPresenting(
            ca.leaf("billing")
                .uri("https://example.com/not-spiffe")
                .uri("spiffe://mesh.test/billing")
                .clientAuth()
                .issue(),
            "client");

    assertEquals("spiffe://mesh.test/billing", TlsTestServer.call(server.channel(client)));
    assertEquals(1, server.serviceCalls());
  }

  @Test
  void clientWithoutSpiffeIdIsIdentifiedByCommonName() throws Exception {
    ChannelCredentials client =
        clientPresenting(
            ca.leaf("legacy-client").uri("https://example.com/x").clientAuth().issue(), "client");

    assertEquals("legacy-client", TlsTestServer.call(server.channel(client)));
  }

  @Test
  void identityIsCachedOnTheTlsSession() throws Exception {
    ChannelCredentials client = clientPresenting(ca.leaf("cached").clientAuth().issue(), "client");
    var channel = server.channel(client);

    TlsTestServer.call(channel);
    TlsTestServer.call(channel);

    Object cached = server.lastSession().getValue(PeerIdentity.SESSION_VALUE_NAME);
    assertTrue(cached != null, "identity cached on the SSLSession");
    assertEquals("cached", PeerIdentity.of(server.lastSession()).orElseThrow());
  }

  @Test
  void clientWithoutCertificateIsRejected() throws Exception {
    assertRejected(ClientTls.trusting(caFile));
  }

  @Test
  void clientCertificateFromAnotherCaIsRejected() throws Exception {
    CertificateFixture otherCa = CertificateFixture.newCa("Test CA");
    assertRejected(clientPresenting(otherCa.leaf("intruder").clientAuth().issue(), "other"));
  }

  @Test
  void expiredClientCertificateIsRejected() throws Exception {
    assertRejected(clientPresenting(ca.leaf("old").clientAuth().expired().issue(), "expired"));
  }

  @Test
  void clientCertificateForServerAuthOnlyIsRejected() throws Exception {
    assertRejected(clientPresenting(ca.leaf("server-like").serverAuth().issue(), "serveronly"));
  }

  @Test
  void clientCertificateWithoutExtendedKeyUsageIsRejected() throws Exception {
    // The JDK trust manager accepts a certificate without the extension (any purpose); the mesh
    // requires clientAuth explicitly.
    assertRejected(clientPresenting(ca.leaf("anything").issue(), "noeku"));
  }

  @Test
  void tlsModeAcceptsClientsWithoutCertificate() throws Exception {
    try (ServerTls serverOnly = ServerTls.start(ServerTlsConfig.tls(serverCert, serverKey));
        TlsTestServer tlsServer = new TlsTestServer(serverOnly.credentials())) {
      assertEquals(
          TlsTestServer.NO_IDENTITY,
          TlsTestServer.call(tlsServer.channel(ClientTls.trusting(caFile))));
      assertEquals(TlsMode.TLS, serverOnly.mode());
    }
  }

  @Test
  void plaintextModeGivesInsecureCredentials() throws Exception {
    try (ServerTls plaintext = ServerTls.start(ServerTlsConfig.plaintext())) {
      assertTrue(plaintext.credentials() instanceof InsecureServerCredentials);
      assertEquals(TlsMode.PLAINTEXT, plaintext.mode());
    }
  }
}
