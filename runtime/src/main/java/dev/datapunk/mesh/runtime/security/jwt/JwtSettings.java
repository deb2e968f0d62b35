package dev.datapunk.mesh.runtime.security.jwt;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link JwtTokenVerifier} accepts. Immutable; the verifier holds one instance in a volatile
 * field, so a new one can be swapped in at run time ({@link JwtTokenVerifier#updateSettings}).
 *
 * @param allowedAlgorithms the JWS {@code alg} values accepted, exactly as they appear in the token
 *     header; a subset of {@link #SUPPORTED_ALGORITHMS} ({@code none} and HMAC algorithms can never
 *     be allowed)
 * @param issuer when present, the {@code iss} claim must equal it
 * @param audience when present, the {@code aud} claim (a string or an array) must contain it
 * @param clockSkew tolerance applied to {@code exp} and {@code nbf}; zero or positive
 * @param maxTokenBytes tokens longer than this are rejected before any parsing; at least 64
 * @param cacheSize the most verified tokens kept; 0 turns the cache off. Fixed for the lifetime of
 *     a verifier
 */
public record JwtSettings(
    Set<String> allowedAlgorithms,
    Optional<String> issuer,
    Optional<String> audience,
    Duration clockSkew,
    int maxTokenBytes,
    int cacheSize) {

  /** The asymmetric JWS algorithms this package can verify. */
  public static final Set<String> SUPPORTED_ALGORITHMS =
      Set.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
          "Ed25519");

  /** The algorithms allowed unless configured otherwise: RS256, ES256 and EdDSA (Ed25519). */
  public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "ES256", "EdDSA");

  /** Default tolerance for {@code exp} and {@code nbf}. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

  /** Default size limit of a token: 8 KiB. */
  public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;

  /** Default number of verified tokens kept. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  private static final int MIN_TOKEN_BYTES = 64;

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException naming the component that is wrong
   */
  public JwtSettings {
    Objects.requireNonNull(allowedAlgorithms, "allowedAlgorithms");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(clockSkew, "clockSkew");
    if (allowedAlgorithms.isEmpty()) {
      throw new IllegalArgumentException("allowedAlgorithms must name at least one algorithm");
    }
    for (String alg : allowedAlgorithms) {
      if (!SUPPORTED_ALGORITHMS.contains(alg)) {
        throw new IllegalArgumentException(
            "allowedAlgorithms: '"
                + alg
                + "' is not supported (supported: "
                + new TreeSet<>(SUPPORTED_ALGORITHMS)
                + "; none and HMAC are never allowed)");
      }
    }
    allowedAlgorithms = Set.copyOf(allowedAlgorithms);
    issuer.ifPresent(value -> requireNotBlank(value, "issuer"));
    audience.ifPresent(value -> requireNotBlank(value, "audience"));
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clockSkew must not be negative (was " + clockSkew + ")");
    }
    if (maxTokenBytes < MIN_TOKEN_BYTES) {
      throw new IllegalArgumentException(
          "maxTokenBytes must be >= " + MIN_TOKEN_BYTES + " (was " + maxTokenBytes + ")");
    }
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must be >= 0 (was " + cacheSize + ")");
    }
  }

  /** RS256/ES256/EdDSA, no issuer or audience check, 60 s skew, 8 KiB, 10,000 cached tokens. */
  public static JwtSettings defaults() {
    return new JwtSettings(
        DEFAULT_ALGORITHMS,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_CLOCK_SKEW,
        DEFAULT_MAX_TOKEN_BYTES,
        DEFAULT_CACHE_SIZE);
  }

  /** A copy that accepts only these algorithms. */
  public JwtSettings withAllowedAlgorithms(Set<String> algorithms) {
    return new JwtSettings(algorithms, issuer, audience, clockSkew, maxTokenBytes, cacheSize);
  }

  /** A copy that requires this {@code iss}, or checks none when empty. */
  public JwtSettings withIssuer(Optional<String> requiredIssuer) {
    return new JwtSettings(
        allowedAlgorithms, requiredIssuer, audience, clockSkew, maxTokenBytes, cacheSize);
  }

  /** A copy that requires this {@code aud}, or checks none when empty. */
  public JwtSettings withAudience(Optional<String> requiredAudience) {
    return new JwtSettings(
        allowedAlgorithms, issuer, requiredAudience, clockSkew, maxTokenBytes, cacheSize);
  }

  /** A copy with this tolerance for {@code exp} and {@code nbf}. */
  public JwtSettings withClockSkew(Duration skew) {
    return new JwtSettings(allowedAlgorithms, issuer, audience, skew, maxTokenBytes, cacheSize);
  }

  /** A copy with this token size limit. */
  public JwtSettings withMaxTokenBytes(int maxBytes) {
    return new JwtSettings(allowedAlgorithms, issuer, audience, clockSkew, maxBytes, cacheSize);
  }

  /** A copy with this cache bound (0 = no cache). */
  public JwtSettings withCacheSize(int entries) {
    return new JwtSettings(allowedAlgorithms, issuer, audience, clockSkew, maxTokenBytes, entries);
  }

  private static void requireNotBlank(String value, String name) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank when set");
    }
  }
}
