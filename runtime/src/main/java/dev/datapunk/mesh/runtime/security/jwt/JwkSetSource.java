package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * Where {@link JwtTokenVerifier} gets the public keys that sign tokens.
 *
 * <p>{@link #current()} is called on every verification, cached or not, so it must be cheap: a
 * volatile read, with any staleness check rate-limited. A source returns the same {@link JWKSet}
 * instance for as long as its keys are unchanged; the verifier uses that identity to know when to
 * rebuild its signature verifiers and to drop tokens it verified under keys that are gone.
 *
 * <p>A remote (https) source is expected to cache the set, refetch it in the background or when it
 * is stale, and refetch early (rate-limited) when {@link #refreshForUnknownKey} is called.
 */
public interface JwkSetSource {

  /**
   * The current keys.
   *
   * @throws JwkSetUnavailableException when the source has no keys to offer (for example, a remote
   *     set could never be fetched)
   */
  JWKSet current() throws JwkSetUnavailableException;

  /**
   * Called when a token names a key id that {@link #current()} does not hold. A source that can
   * fetch fresh keys may do so here, rate-limited so that tokens with made-up key ids cannot make
   * it hammer its origin. The default returns {@link #current()}.
   *
   * @param keyId the {@code kid} of the token, or {@code null} when the token names none
   */
  default JWKSet refreshForUnknownKey(String keyId) throws JwkSetUnavailableException {
    return current();
  }
}
