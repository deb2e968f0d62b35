package dev.datapunk.mesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevPkiTest {

  @TempDir Path root;

  private static List<X509Certificate> read(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .toList();
    }
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void firstCallCreatesTheFilesWithPrivatePermissions() throws Exception {
    Path dir = root.resolve(".mesh/dev");

    DevPki.Material material = DevPki.ensure(dir);

    assertTrue(material.created());
    assertEquals("rwx------", permissions(dir));
    for (Path key : List.of(material.serverKey(), material.clientKey(), dir.resolve("ca.key"))) {
      assertEquals("rw-------", permissions(key), key.toString());
      assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"), key.toString());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of(
              ".lock", "ca.key", "ca.pem", "client.key", "client.pem", "server.key", "server.pem"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary files left behind");
    }
  }

  @Test
  void certificatesHaveTheDocumentedShape() throws Exception {
    DevPki.Material material = DevPki.ensure(root);
    X509Certificate ca = read(material.caCert()).get(0);
    List<X509Certificate> serverChain = read(material.serverCert());
    X509Certificate server = serverChain.get(0);
    X509Certificate client = read(material.clientCert()).get(0);

    assertEquals("CN=Datapunk Mesh Dev CA", ca.getSubjectX500Principal().getName());
    assertTrue(ca.getBasicConstraints() >= 0, "CA basic constraint");
    assertTrue(ca.getKeyUsage()[5], "keyCertSign");
    assertEquals("EC", ca.getPublicKey().getAlgorithm());
    assertTrue(ca.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(3600))));

    assertEquals(List.of(server, ca), serverChain);
    assertEquals("CN=localhost", server.getSubjectX500Principal().getName());
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), server.getExtendedKeyUsage());
    assertEquals(
        List.of(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1")),
        List.copyOf(server.getSubjectAlternativeNames()));
    server.verify(ca.getPublicKey());

    assertEquals("CN=mesh-dev-client", client.getSubjectX500Principal().getName());
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), client.getExtendedKeyUsage());
    assertEquals(
        List.of(List.of(6, "spiffe://mesh.dev/client")),
        List.copyOf(client.getSubjectAlternativeNames()));
    client.verify(ca.getPublicKey());
    assertTrue(client.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(360))));
  }

  @Test
  void secondCallReusesTheSameFiles() throws Exception {
    DevPki.Material first = DevPki.ensure(root);
    byte[] ca = Files.readAllBytes(first.caCert());
    byte[] key = Files.readAllBytes(first.serverKey());

    DevPki.Material second = DevPki.ensure(root);

    assertFalse(second.created());
    assertEquals(first.caCert(), second.caCert());
    assertArrayEquals(ca, Files.readAllBytes(second.caCert()));
    assertArrayEquals(key, Files.readAllBytes(second.serverKey()));
  }

  @Test
  void corruptFileRegeneratesEverything() throws Exception {
    DevPki.Material first = DevPki.ensure(root);
    byte[] ca = Files.readAllBytes(first.caCert());
    Files.writeString(first.clientKey(), "-----BEGIN PRIVATE KEY-----\ngarbage\n");

    DevPki.Material second = DevPki.ensure(root);

    assertTrue(second.created());
    assertNotEquals(new String(ca, StandardCharsets.UTF_8), Files.readString(second.caCert()));
    assertTrue(DevPki.reuseProblem(root, Instant.now()).isEmpty());
    assertEquals("rw-------", permissions(second.clientKey()));
  }

  @Test
  void materialExpiringWithinADayIsNotReused() throws Exception {
    DevPki.ensure(root);

    assertTrue(DevPki.reuseProblem(root, Instant.now().plus(Duration.ofDays(363))).isEmpty());
    String problem =
        DevPki.reuseProblem(root, Instant.now().plus(Duration.ofDays(364).plusHours(12)))
            .orElseThrow();
    assertTrue(problem.contains("expires at"), problem);
  }

  @Test
  void devMaterialGivesMutualTlsWithTheDevClientIdentity() throws Exception {
    DevPki.Material dev = DevPki.ensure(root);
    try (ServerTls tls =
            ServerTls.start(ServerTlsConfig.mtls(dev.serverCert(), dev.serverKey(), dev.caCert()));
        TlsTestServer server = new TlsTestServer(tls.credentials())) {
      assertEquals(
          DevPki.CLIENT_IDENTITY, TlsTestServer.call(server.channel(ClientTls.devClient(dev))));
    }
  }
}
