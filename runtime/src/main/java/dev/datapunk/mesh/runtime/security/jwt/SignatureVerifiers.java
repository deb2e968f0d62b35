package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import java.util.Optional;

/**
 * Builds the signature verifier for one public key. The verifier builds them once per key set, not
 * per token. A seam for tests (counting signature checks) and for other key types.
 */
@FunctionalInterface
interface SignatureVerifiers {

  /**
   * A verifier for {@code key}, or empty when this kind of key is not supported.
   *
   * @throws JOSEException when the key is of a supported kind but unusable (for example too short)
   */
  Optional<JWSVerifier> forKey(JWK key) throws JOSEException;
}
