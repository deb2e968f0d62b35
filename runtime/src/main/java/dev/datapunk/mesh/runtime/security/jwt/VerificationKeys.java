package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * One key set made ready for verification: a signature verifier per usable key, indexed by {@code
 * kid}. Immutable; rebuilt when the {@link JwkSetSource} hands out a new {@link JWKSet}.
 *
 * <p>Key choice: a token with a {@code kid} is checked against the keys with that id whose type
 * (and {@code alg}, when the key names one) fit the token's algorithm. A token without a {@code
 * kid} is checked only when exactly one key in the set fits its algorithm; with none or several it
 * names an unknown key (trying every key would let a token pick among keys meant for different
 * issuers or uses). Keys marked {@code use} other than {@code sig}, or with {@code key_ops} lacking
 * {@code verify}, are left out.
 */
final class VerificationKeys {

  private static final Logger LOG = MeshLoggers.getLogger(VerificationKeys.class);

  /** A key that may verify tokens. */
  record Candidate(JWK key, JWSVerifier verifier) {}

  private final JWKSet origin;
  private final Map<String, List<Candidate>> byKeyId;
  private final List<Candidate> all;

  private VerificationKeys(
      JWKSet origin, Map<String, List<Candidate>> byKeyId, List<Candidate> all) {
    this.origin = origin;
    this.byKeyId = byKeyId;
    this.all = all;
  }

  /**
   * Builds verifiers for every usable key of {@code keys}; unusable keys are logged and skipped.
   */
  static VerificationKeys build(JWKSet keys, SignatureVerifiers verifiers) {
    Map<String, List<Candidate>> byKeyId = new HashMap<>();
    List<Candidate> all = new ArrayList<>();
    for (JWK key : keys.getKeys()) {
      if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
        continue;
      }
      if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
        continue;
      }
      Optional<JWSVerifier> verifier;
      try {
        verifier = verifiers.forKey(key);
      } catch (JOSEException e) {
        LOG.warn(
            "Ignoring token signing key kid={} ({}): {}",
            key.getKeyID(),
            key.getKeyType(),
            e.getMessage());
        continue;
      }
      if (verifier.isEmpty()) {
        LOG.warn(
            "Ignoring token signing key kid={}: unsupported key type {}",
            key.getKeyID(),
            key.getKeyType());
        continue;
      }
      Candidate candidate = new Candidate(key, verifier.get());
      all.add(candidate);
      if (key.getKeyID() != null) {
        byKeyId.computeIfAbsent(key.getKeyID(), id -> new ArrayList<>(1)).add(candidate);
      }
    }
    byKeyId.replaceAll((id, list) -> List.copyOf(list));
    return new VerificationKeys(keys, Map.copyOf(byKeyId), List.copyOf(all));
  }

  /** The key set these verifiers were built from (compared by identity). */
  JWKSet origin() {
    return origin;
  }

  /** Whether no key is usable. */
  boolean isEmpty() {
    return all.isEmpty();
  }

  /**
   * The keys that may have signed a token with this {@code kid} and algorithm; empty when the token
   * names an unknown key.
   */
  List<Candidate> candidates(String keyId, JWSAlgorithm algorithm) {
    if (keyId != null) {
      List<Candidate> withId = byKeyId.getOrDefault(keyId, List.of());
      List<Candidate> fitting = new ArrayList<>(withId.size());
      for (Candidate candidate : withId) {
        if (fits(candidate.key(), algorithm)) {
          fitting.add(candidate);
        }
      }
      return fitting;
    }
    Candidate only = null;
    for (Candidate candidate : all) {
      if (fits(candidate.key(), algorithm)) {
        if (only != null) {
          return List.of();
        }
        only = candidate;
      }
    }
    return only == null ? List.of() : List.of(only);
  }

  /** Whether {@code key} can have produced a signature with {@code algorithm}. */
  static boolean fits(JWK key, JWSAlgorithm algorithm) {
    if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(algorithm.getName())) {
      return false;
    }
    if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
      return key instanceof RSAKey;
    }
    if (key instanceof ECKey ec) {
      return ec.getCurve().equals(curveOf(algorithm));
    }
    if (key instanceof OctetKeyPair okp) {
      return Curve.Ed25519.equals(okp.getCurve())
          && (JWSAlgorithm.EdDSA.equals(algorithm) || JWSAlgorithm.Ed25519.equals(algorithm));
    }
    return false;
  }

  private static Curve curveOf(JWSAlgorithm algorithm) {
    if (JWSAlgorithm.ES256.equals(algorithm)) {
      return Curve.P_256;
    }
    if (JWSAlgorithm.ES384.equals(algorithm)) {
      return Curve.P_384;
    }
    if (JWSAlgorithm.ES512.equals(algorithm)) {
      return Curve.P_521;
    }
    return null;
  }
}
