package dev.datapunk.mesh.runtime.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The validated CA certificates client certificates must chain to.
 *
 * @param certificates never empty
 */
record ClientCaBundle(List<X509Certificate> certificates) {

  ClientCaBundle {
    certificates = List.copyOf(certificates);
  }

  X509Certificate[] asArray() {
    return certificates.toArray(new X509Certificate[0]);
  }

  /** Parses a PEM CA bundle; at least one certificate must still be valid at {@code now}. */
  static ClientCaBundle parse(byte[] pem, Path file, Instant now) throws TlsMaterialException {
    List<X509Certificate> certificates = Pem.parseCertificates(pem, file);
    boolean anyCurrent =
        certificates.stream().anyMatch(c -> !now.isAfter(c.getNotAfter().toInstant()));
    if (!anyCurrent) {
      throw new TlsMaterialException(file, "every CA certificate in the file has expired");
    }
    return new ClientCaBundle(certificates);
  }
}
