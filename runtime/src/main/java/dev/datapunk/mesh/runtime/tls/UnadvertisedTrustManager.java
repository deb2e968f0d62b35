package dev.datapunk.mesh.runtime.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates with a delegate but does not advertise the accepted CA names.
 *
 * <p>Netty's OpenSSL server context reads {@link #getAcceptedIssuers()} once, when the context is
 * built, and sends those names in every CertificateRequest. After the CA file is rotated the list
 * would be stale, and a client whose certificate comes from the new CA would find no matching
 * certificate and send none (the handshake then fails with {@code certificate_required}, verified
 * in ServerTlsRotationTest). With no names advertised a client sends its certificate and the
 * delegate, which does follow rotation, decides. The cost: a client holding several certificates
 * gets no hint which one to choose.
 */
final class UnadvertisedTrustManager extends X509ExtendedTrustManager {

  private static final X509Certificate[] NONE = new X509Certificate[0];

  private final X509ExtendedTrustManager delegate;

  UnadvertisedTrustManager(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("server-side trust manager cannot verify servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("server-side trust manager cannot verify servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("server-side trust manager cannot verify servers");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NONE;
  }
}
