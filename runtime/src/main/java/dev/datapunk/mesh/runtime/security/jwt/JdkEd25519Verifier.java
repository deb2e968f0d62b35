package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * Ed25519 signatures ({@code alg} EdDSA or Ed25519) checked with the JDK's own EdDSA
 * implementation. nimbus-jose-jwt's Ed25519Verifier needs Google Tink, an optional dependency this
 * project does not ship; Java 15+ has Ed25519 built in.
 */
final class JdkEd25519Verifier implements JWSVerifier {

  /**
   * DER SubjectPublicKeyInfo prefix for an Ed25519 key (OID 1.3.101.112), before the 32 key bytes.
   */
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private static final int KEY_BYTES = 32;
  private static final int SIGNATURE_BYTES = 64;
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

  private final PublicKey publicKey;
  private final JCAContext jcaContext = new JCAContext();

  JdkEd25519Verifier(OctetKeyPair key) throws JOSEException {
    if (!Curve.Ed25519.equals(key.getCurve())) {
      throw new JOSEException("not an Ed25519 key: curve " + key.getCurve());
    }
    byte[] x = key.getDecodedX();
    if (x.length != KEY_BYTES) {
      throw new JOSEException("Ed25519 public key must be 32 bytes (was " + x.length + ")");
    }
    byte[] encoded = new byte[X509_PREFIX.length + KEY_BYTES];
    System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
    System.arraycopy(x, 0, encoded, X509_PREFIX.length, KEY_BYTES);
    try {
      publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("unusable Ed25519 public key: " + e.getMessage(), e);
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return ALGORITHMS;
  }

  @Override
  public JCAContext getJCAContext() {
    return jcaContext;
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
      throws JOSEException {
    if (!ALGORITHMS.contains(header.getAlgorithm()) || header.getCriticalParams() != null) {
      return false;
    }
    byte[] signatureBytes = signature.decode();
    if (signatureBytes.length != SIGNATURE_BYTES) {
      return false;
    }
    try {
      Signature check = Signature.getInstance("Ed25519");
      check.initVerify(publicKey);
      check.update(signingInput);
      return check.verify(signatureBytes);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new JOSEException("Ed25519 verification failed: " + e.getMessage(), e);
    }
  }
}
