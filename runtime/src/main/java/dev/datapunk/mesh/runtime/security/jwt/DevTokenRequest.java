package dev.datapunk.mesh.runtime.security.jwt;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a development token states.
 *
 * @param subject the {@code sub} claim; not blank
 * @param scopes the granted scopes, written as the space-separated {@code "scope"} claim; each
 *     non-empty and without whitespace
 * @param lifetime from now to {@code exp}; positive
 * @param issuer the {@code iss} claim, if any
 * @param audience the {@code aud} claim, if any
 */
public record DevTokenRequest(
    String subject,
    List<String> scopes,
    Duration lifetime,
    Optional<String> issuer,
    Optional<String> audience) {

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException naming the component that is wrong
   */
  public DevTokenRequest {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(scopes, "scopes");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("subject must not be blank");
    }
    for (String scope : scopes) {
      if (scope == null || scope.isEmpty() || scope.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "scope '" + scope + "' must be non-empty and without whitespace");
      }
    }
    scopes = List.copyOf(scopes);
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime must be positive (was " + lifetime + ")");
    }
  }
}
