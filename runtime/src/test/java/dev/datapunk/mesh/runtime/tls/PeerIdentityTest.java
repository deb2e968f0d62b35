package dev.datapunk.mesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Attributes;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * Identity derivation from certificates; the TLS-session path is covered by ServerTlsMutualTest.
 */
class PeerIdentityTest {

  private final CertificateFixture ca = CertificateFixture.newCa("Identity CA");

  @Test
  void firstSpiffeUriWins() {
    assertEquals(
        Optional.of("spiffe://a.test/one"),
        PeerIdentity.of(
            ca.leaf("cn")
                .dns("spiffe.example")
                .uri("https://a.test/x")
                .uri("spiffe://a.test/one")
                .uri("spiffe://a.test/two")
                .issue()
                .certificate()));
  }

  @Test
  void commonNameWhenNoSpiffeId() {
    assertEquals(
        Optional.of("svc, with comma"),
        PeerIdentity.of(ca.leaf("svc\\, with comma").issue().certificate()));
  }

  @Test
  void emptyWhenNeitherSpiffeIdNorCommonName() {
    assertEquals(
        Optional.empty(),
        PeerIdentity.of(ca.leaf(null).uri("https://x.test/").issue().certificate()));
  }

  @Test
  void emptyWithoutTls() {
    assertEquals(Optional.empty(), PeerIdentity.of((SSLSession) null));
    assertEquals(Optional.empty(), PeerIdentity.of(Attributes.EMPTY));
    assertEquals(Optional.empty(), PeerIdentity.of((Attributes) null));
  }
}
