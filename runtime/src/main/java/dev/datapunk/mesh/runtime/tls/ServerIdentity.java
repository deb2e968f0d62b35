package dev.datapunk.mesh.runtime.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A validated certificate chain and the private key of its first certificate.
 *
 * @param chain leaf first, never empty
 * @param key the leaf's private key
 */
record ServerIdentity(List<X509Certificate> chain, PrivateKey key) {

  ServerIdentity {
    chain = List.copyOf(chain);
  }

  X509Certificate leaf() {
    return chain.get(0);
  }

  X509Certificate[] chainArray() {
    return chain.toArray(new X509Certificate[0]);
  }

  /**
   * Parses and validates PEM contents: the chain parses, the key is PKCS#8, the key belongs to the
   * first certificate and that certificate has not expired at {@code now}.
   */
  static ServerIdentity parse(
      byte[] certPem, Path certFile, byte[] keyPem, Path keyFile, Instant now)
      throws TlsMaterialException {
    List<X509Certificate> chain = Pem.parseCertificates(certPem, certFile);
    PrivateKey key = Pem.parsePrivateKey(keyPem, keyFile);
    X509Certificate leaf = chain.get(0);
    if (signatureAlgorithm(key.getAlgorithm()) == null) {
      throw new TlsMaterialException(
          keyFile,
          "unsupported private key algorithm " + key.getAlgorithm() + " (EC, RSA, EdDSA are)");
    }
    if (!matches(key, leaf.getPublicKey())) {
      throw new TlsMaterialException(
          keyFile,
          "private key does not match the first certificate in "
              + certFile
              + " (subject "
              + leaf.getSubjectX500Principal().getName()
              + ")");
    }
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new TlsMaterialException(
          certFile,
          "certificate "
              + leaf.getSubjectX500Principal().getName()
              + " expired at "
              + leaf.getNotAfter().toInstant());
    }
    return new ServerIdentity(chain, key);
  }

  /** Whether {@code key} is the private half of {@code publicKey}: signs a nonce and verifies. */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm = signatureAlgorithm(key.getAlgorithm());
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] nonce = new byte[32];
      new SecureRandom().nextBytes(nonce);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(nonce);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(nonce);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static String signatureAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "Ed448", "EdDSA" -> keyAlgorithm;
      default -> null;
    };
  }
}
