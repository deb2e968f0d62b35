package dev.datapunk.mesh.runtime.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate and CA rotation on disk while a real mTLS server runs. */
class ServerTlsRotationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private CertificateFixture ca;
  private Path clientCa;
  private Path serverTrust;
  private Path serverCert;
  private Path serverKey;
  private Path clientCert;
  private Path clientKey;
  private CertificateFixture.Issued original;
  private final List<String> rejected = new CopyOnWriteArrayList<>();
  private final List<X509Certificate> reloaded = new CopyOnWriteArrayList<>();
  private ServerTls tls;
  private TlsTestServer server;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateFixture.newCa("Rotation CA");
    clientCa = ca.writeCertificate(dir.resolve("client-ca.pem"));
    serverTrust = ca.writeCertificate(dir.resolve("server-ca.pem"));
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
    original = serverLeaf("localhost");
    original.writeChain(serverCert, serverKey);
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client.key");
    ca.leaf("client")
        .uri("spiffe://mesh.test/client")
        .clientAuth()
        .issue()
        .writeChain(clientCert, clientKey);
    TlsReloadListener listener =
        new TlsReloadListener() {
          @Override
          public void identityReloaded(List<X509Certificate> chain) {
            reloaded.add(chain.get(0));
          }

          @Override
          public void reloadRejected(String problem) {
            rejected.add(problem);
          }
        };
    tls =
        ServerTls.start(
            ServerTlsConfig.mtls(serverCert, serverKey, clientCa)
                .withReloadPeriod(Duration.ofMillis(50))
                .withListener(listener));
    server = new TlsTestServer(tls.credentials());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    tls.close();
  }

  private CertificateFixture.Issued serverLeaf(String commonName) {
    return ca.leaf(commonName).dns("localhost").ip("127.0.0.1").serverAuth().issue();
  }

  private ChannelCredentials credentials(RecordingTrustManager trust) throws Exception {
    return TlsChannelCredentials.newBuilder()
        .trustManager(trust)
        .keyManager(clientCert.toFile(), clientKey.toFile())
        .build();
  }

  /** Opens a new connection, makes one call and returns the server certificate it saw. */
  private X509Certificate certificateOfNewConnection() throws Exception {
    RecordingTrustManager trust = new RecordingTrustManager(ca.certificate());
    TlsTestServer.call(server.channel(credentials(trust)));
    return trust.last();
  }

  private static BigInteger serial(CertificateFixture.Issued issued) {
    return issued.certificate().getSerialNumber();
  }

  @Test
  void newConnectionsGetTheRotatedCertificateWhileAnOpenConnectionKeepsWorking() throws Exception {
    RecordingTrustManager firstTrust = new RecordingTrustManager(ca.certificate());
    ManagedChannel open = server.channel(credentials(firstTrust));
    assertEquals("spiffe://mesh.test/client", TlsTestServer.call(open));
    assertEquals(serial(original), firstTrust.last().getSerialNumber());

    CertificateFixture.Issued rotated = serverLeaf("localhost-rotated");
    rotated.writeChain(serverCert, serverKey);

    await()
        .atMost(WAIT)
        .until(() -> certificateOfNewConnection().getSerialNumber().equals(serial(rotated)));
    assertTrue(reloaded.stream().anyMatch(c -> c.getSerialNumber().equals(serial(rotated))));

    assertEquals("spiffe://mesh.test/client", TlsTestServer.call(open));
    assertEquals(1, firstTrust.seen().size(), "the open connection was not re-established");
  }

  @Test
  void garbageKeepsThePreviousCertificateAndLogsAnError() throws Exception {
    String log;
    try (StderrCapture stderr = StderrCapture.start()) {
      CertificateFixture.writeAtomically(
          serverCert, "-----BEGIN CERTIFICATE-----\nnot base64 at all");

      await()
          .atMost(WAIT)
          .until(() -> rejected.stream().anyMatch(p -> p.contains(serverCert.toString())));
      log = stderr.text();
    }
    assertTrue(
        log.contains("ERROR") && log.contains("not applied") && log.contains(serverCert.toString()),
        log);
    assertEquals(serial(original), certificateOfNewConnection().getSerialNumber());
    assertEquals(1, rejected.size(), "an unchanged bad file is reported once: " + rejected);
  }

  @Test
  void newCertificateIsNotUsedUntilItsKeyArrives() throws Exception {
    CertificateFixture.Issued rotated = serverLeaf("localhost-rotated");
    CertificateFixture.writeAtomically(
        serverCert, CertificateFixture.pem(List.of(rotated.certificate(), ca.certificate())));

    await().atMost(WAIT).until(() -> rejected.stream().anyMatch(p -> p.contains("does not match")));
    assertEquals(serial(original), certificateOfNewConnection().getSerialNumber());

    rotated.writeKey(serverKey);
    await()
        .atMost(WAIT)
        .until(() -> certificateOfNewConnection().getSerialNumber().equals(serial(rotated)));
  }

  @Test
  void rotatedClientCaDecidesWhichClientsNewConnectionsAccept() throws Exception {
    CertificateFixture newCa = CertificateFixture.newCa("Rotation CA 2");
    Path newClientCert = dir.resolve("client2.pem");
    Path newClientKey = dir.resolve("client2.key");
    newCa
        .leaf("client2")
        .uri("spiffe://mesh.test/client2")
        .clientAuth()
        .issue()
        .writeChain(newClientCert, newClientKey);
    ChannelCredentials newClient = ClientTls.mutual(serverTrust, newClientCert, newClientKey);
    assertThrows(StatusRuntimeException.class, () -> TlsTestServer.call(server.channel(newClient)));

    newCa.writeCertificate(clientCa);

    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                TlsTestServer.call(server.channel(newClient)).equals("spiffe://mesh.test/client2"));
    ChannelCredentials oldClient = ClientTls.mutual(serverTrust, clientCert, clientKey);
    assertThrows(StatusRuntimeException.class, () -> TlsTestServer.call(server.channel(oldClient)));
  }
}
