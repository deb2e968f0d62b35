package dev.datapunk.mesh.runtime.tls;

import io.grpc.util.AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;

/**
 * Requires the client's certificate to carry the extended key usage {@code clientAuth}.
 *
 * <p>Runs after the chain and validity checks of the JDK PKIX trust manager. That manager already
 * rejects a certificate whose extended key usage lists only other purposes (e.g. {@code
 * serverAuth}), but accepts a certificate with no extended key usage extension at all (RFC 5280:
 * any purpose). A mesh client must be explicitly issued for client authentication, so this check
 * also rejects certificates without the extension.
 */
final class ClientCertificateUsageVerifier implements SslSocketAndEnginePeerVerifier {

  static final String CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";

  @Override
  public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    requireClientAuth(chain);
  }

  @Override
  public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    requireClientAuth(chain);
  }

  static void requireClientAuth(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("client presented no certificate");
    }
    List<String> usages = chain[0].getExtendedKeyUsage();
    if (usages == null || !usages.contains(CLIENT_AUTH_OID)) {
      throw new CertificateException(
          "client certificate "
              + chain[0].getSubjectX500Principal().getName()
              + " lacks the extended key usage clientAuth");
    }
  }
}
