package dev.datapunk.mesh.runtime.security;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What a verified bearer token proves.
 *
 * @param subject the {@code sub} claim, or an empty string when the token has none
 * @param scopes the granted scopes, from {@code scope} (space separated) or {@code scp} (array)
 * @param expiresAt the {@code exp} claim
 * @param claims every claim of the token, unmodifiable
 */
public record VerifiedToken(String subject, Set<String> scopes, Instant expiresAt, Map<String, Object> claims) {

  public VerifiedToken {
    scopes = Set.copyOf(scopes);
    claims = Map.copyOf(claims);
  }

  /** Whether the token grants every one of {@code required}. */
  public boolean hasAllScopes(Set<String> required) {
    return scopes.containsAll(required);
  }
}
