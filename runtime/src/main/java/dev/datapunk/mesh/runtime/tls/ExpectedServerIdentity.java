package dev.datapunk.mesh.runtime.tls;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.grpc.util.AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;

/**
 * Requires the server's certificate to prove one identity ({@link PeerIdentity}: its SPIFFE ID,
 * else its subject common name), after the chain has been verified and before the handshake
 * completes: a server with a trusted certificate for another identity never receives a request, so
 * it never sees a bearer token meant for the expected one.
 */
final class ExpectedServerIdentity implements SslSocketAndEnginePeerVerifier {

  private static final Logger log = MeshLoggers.getLogger("dev.datapunk.mesh.runtime.tls");

  private final String expected;

  ExpectedServerIdentity(String expected) {
    this.expected = Objects.requireNonNull(expected, "expected");
  }

  @Override
  public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  void verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("server presented no certificate");
    }
    Optional<String> actual = PeerIdentity.of(chain[0]);
    if (actual.isEmpty() || !actual.get().equals(expected)) {
      String problem =
          "server certificate "
              + chain[0].getSubjectX500Principal().getName()
              + " proves identity "
              + actual.orElse("(none)")
              + ", not the expected "
              + expected;
      log.warn("TLS handshake refused: {}", problem);
      throw new CertificateException(problem);
    }
  }
}
