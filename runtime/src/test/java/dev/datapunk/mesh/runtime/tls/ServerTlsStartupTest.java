package dev.datapunk.mesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ServerTls#start} refuses unusable files with a message naming the file and problem. */
class ServerTlsStartupTest {

  @TempDir Path dir;

  private CertificateFixture ca;
  private CertificateFixture.Issued leaf;
  private Path caFile;
  private Path cert;
  private Path key;

  @BeforeEach
  void writeValidFiles() {
    ca = CertificateFixture.newCa("Startup CA");
    caFile = ca.writeCertificate(dir.resolve("ca.pem"));
    cert = dir.resolve("server.pem");
    key = dir.resolve("server.key");
    leaf = ca.leaf("localhost").dns("localhost").serverAuth().issue();
    leaf.writeChain(cert, key);
  }

  private TlsMaterialException startFails() {
    return assertThrows(
        TlsMaterialException.class,
        () -> ServerTls.start(ServerTlsConfig.mtls(cert, key, caFile)).close());
  }

  private static void assertMessage(TlsMaterialException e, Path file, String problem) {
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(
        e.getMessage().startsWith(file.toString()) && e.getMessage().contains(problem),
        e.getMessage());
  }

  @Test
  void validFilesStart() throws Exception {
    try (ServerTls tls = ServerTls.start(ServerTlsConfig.mtls(cert, key, caFile))) {
      assertEquals(TlsMode.MTLS, tls.mode());
    }
  }

  @Test
  void missingCertificateFile() throws Exception {
    Files.delete(cert);
    assertMessage(startFails(), cert, "does not exist");
  }

  @Test
  void certificateFileWithoutCertificate() throws Exception {
    Files.writeString(cert, "hello\n");
    assertMessage(startFails(), cert, "no PEM CERTIFICATE block found");
  }

  @Test
  void truncatedCertificateFile() throws Exception {
    String pem = Files.readString(cert);
    Files.writeString(cert, pem.substring(0, pem.length() / 3));
    assertMessage(startFails(), cert, "not a valid PEM certificate file");
  }

  @Test
  void keyOfAnotherCertificate() throws Exception {
    ca.leaf("other").issue().writeKey(key);
    assertMessage(startFails(), key, "does not match");
  }

  @Test
  void legacyKeyFormatIsExplained() throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(leaf.keyPair().getPrivate());
    }
    assertTrue(text.toString().contains("BEGIN EC PRIVATE KEY"), text.toString().substring(0, 30));
    Files.writeString(key, text.toString());
    assertMessage(startFails(), key, "PKCS#8 is required");
  }

  @Test
  void keyErrorsDoNotEchoTheKey() throws Exception {
    String pkcs8 = CertificateFixture.pkcs8Pem(leaf.keyPair().getPrivate());
    String body = pkcs8.split("\n", -1)[1];
    Files.writeString(key, pkcs8.replace(body, body.substring(0, 20) + "!!" + body.substring(22)));
    TlsMaterialException e = startFails();
    assertMessage(e, key, "private key");
    assertTrue(!e.getMessage().contains(body.substring(0, 20)), e.getMessage());
  }

  @Test
  void expiredServerCertificate() throws Exception {
    ca.leaf("localhost").serverAuth().expired().issue().writeChain(cert, key);
    assertMessage(startFails(), cert, "expired at");
  }

  @Test
  void emptyCaFile() throws Exception {
    Files.writeString(caFile, "");
    assertMessage(startFails(), caFile, "no PEM CERTIFICATE block found");
  }

  @Test
  void missingPathsNameTheConfigurationKey() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerTlsConfig.mtls(cert, key, null));
    assertTrue(e.getMessage().contains("tls.ca"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ServerTlsConfig.tls(null, key));
    assertTrue(e.getMessage().contains("tls.cert"), e.getMessage());
  }
}
