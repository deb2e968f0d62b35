package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Reads a JWKS document (from a file or a URL) into the public keys that may verify tokens:
 * symmetric ({@code oct}) keys are dropped, private members are stripped; both are logged by key id
 * only, never with key material.
 */
final class JwksDocuments {

  private static final Logger LOG = MeshLoggers.getLogger(JwksDocuments.class);

  private JwksDocuments() {}

  /**
   * The public keys of {@code json}.
   *
   * @param origin names the document in messages, e.g. {@code JWKS file /etc/jwks.json}
   * @throws InvalidJwksException when the text is not a JWK set or holds no public key
   */
  static JWKSet publicKeys(String json, String origin) throws InvalidJwksException {
    JWKSet parsed;
    try {
      parsed = JWKSet.parse(json);
    } catch (ParseException e) {
      throw new InvalidJwksException(origin + " is not a valid JWK set: " + e.getMessage());
    }
    List<JWK> usable = new ArrayList<>();
    for (JWK key : parsed.getKeys()) {
      if (KeyType.OCT.equals(key.getKeyType())) {
        LOG.warn("{}: ignoring symmetric key kid={}", origin, key.getKeyID());
        continue;
      }
      if (key.isPrivate()) {
        LOG.warn(
            "{}: key kid={} holds private material; only its public part is used",
            origin,
            key.getKeyID());
      }
      usable.add(key.toPublicJWK());
    }
    if (usable.isEmpty()) {
      throw new InvalidJwksException(origin + " holds no public key");
    }
    return new JWKSet(usable);
  }

  /** A JWKS document that cannot be used; the message names it and never holds key material. */
  static final class InvalidJwksException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidJwksException(String message) {
      super(message, null, false, false);
    }
  }
}
