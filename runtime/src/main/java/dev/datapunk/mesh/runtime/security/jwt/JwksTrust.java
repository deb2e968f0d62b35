package dev.datapunk.mesh.runtime.security.jwt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS trust of a JWKS URL: the JDK's default CAs, or only those of a PEM file. */
public final class JwksTrust {

  private JwksTrust() {}

  /** The JDK's default trust store (the usual choice for a public identity provider). */
  public static SSLContext jdkDefault() {
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  /**
   * Trusts only the CA certificates in {@code caPem} ({@code auth.jwt.jwks-ca}), e.g. the private
   * CA of an in-cluster identity provider.
   *
   * @throws IOException when the file cannot be read or holds no certificate; the message names it
   */
  public static SSLContext fromCaFile(Path caPem) throws IOException {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(caPem)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (GeneralSecurityException e) {
      throw new IOException(caPem + " holds no readable PEM certificate: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IOException(caPem + " holds no PEM certificate");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot build a TLS trust store from " + caPem + ": " + e.getMessage(), e);
    }
  }
}
