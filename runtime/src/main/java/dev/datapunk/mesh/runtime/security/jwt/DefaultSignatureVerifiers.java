package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.Optional;

/** RSA (at least 2048 bits) and EC keys through nimbus, Ed25519 through the JDK. */
final class DefaultSignatureVerifiers implements SignatureVerifiers {

  static final int MIN_RSA_BITS = 2048;

  static final DefaultSignatureVerifiers INSTANCE = new DefaultSignatureVerifiers();

  private DefaultSignatureVerifiers() {}

  @Override
  public Optional<JWSVerifier> forKey(JWK key) throws JOSEException {
    if (key instanceof RSAKey rsa) {
      if (rsa.size() < MIN_RSA_BITS) {
        throw new JOSEException(
            "RSA key shorter than " + MIN_RSA_BITS + " bits (" + rsa.size() + ")");
      }
      return Optional.of(new RSASSAVerifier(rsa.toRSAPublicKey()));
    }
    if (key instanceof ECKey ec) {
      return Optional.of(new ECDSAVerifier(ec.toECPublicKey()));
    }
    if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
      return Optional.of(new JdkEd25519Verifier(okp));
    }
    return Optional.empty();
  }
}
