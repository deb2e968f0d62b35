package dev.datapunk.mesh.runtime.security;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a verified bearer token proves: its subject, scopes, expiry and claims. Immutable; two
 * verified tokens are equal when all four are.
 *
 * <p>It also carries its rate-limit key ({@code sub:} and the subject), built once here so that a
 * token answered from the verifier's cache costs no string building per call.
 */
public final class VerifiedToken {

  private static final String SUBJECT_KEY_PREFIX = "sub:";

  private final String subject;
  private final Set<String> scopes;
  private final Instant expiresAt;
  private final Map<String, Object> claims;
  private final String subjectKey;

  /**
   * A verified token.
   *
   * @param subject the {@code sub} claim, or an empty string when the token has none
   * @param scopes the granted scopes, from {@code "scope"} (space separated) or {@code scp} (array)
   * @param expiresAt the {@code exp} claim
   * @param claims every claim of the token (copied, unmodifiable)
   */
  public VerifiedToken(
      String subject, Set<String> scopes, Instant expiresAt, Map<String, Object> claims) {
    this.subject = Objects.requireNonNull(subject, "subject");
    this.scopes = Set.copyOf(scopes);
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    this.claims = Map.copyOf(claims);
    this.subjectKey = subject.isEmpty() ? null : SUBJECT_KEY_PREFIX + subject;
  }

  /** The {@code sub} claim, or an empty string when the token has none. */
  public String subject() {
    return subject;
  }

  /** The granted scopes, unmodifiable. */
  public Set<String> scopes() {
    return scopes;
  }

  /** The {@code exp} claim. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** Every claim of the token, unmodifiable. */
  public Map<String, Object> claims() {
    return claims;
  }

  /** Whether the token grants every one of {@code required}. */
  public boolean hasAllScopes(Set<String> required) {
    return scopes.containsAll(required);
  }

  /** {@code sub:} and the subject, or {@code null} without a subject; built once. */
  String subjectKey() {
    return subjectKey;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof VerifiedToken that
        && subject.equals(that.subject)
        && scopes.equals(that.scopes)
        && expiresAt.equals(that.expiresAt)
        && claims.equals(that.claims);
  }

  @Override
  public int hashCode() {
    return Objects.hash(subject, scopes, expiresAt, claims);
  }

  @Override
  public String toString() {
    return "VerifiedToken[subject="
        + subject
        + ", scopes="
        + scopes
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
