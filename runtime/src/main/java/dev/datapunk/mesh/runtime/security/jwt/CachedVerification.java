package dev.datapunk.mesh.runtime.security.jwt;

import dev.datapunk.mesh.runtime.security.VerifiedToken;

/**
 * A token's successful verification as the {@link VerifiedTokenCache} and the {@link
 * HeaderArrayMemo} keep it: the result, and the conditions under which it may answer again instead
 * of a full verification. One rule for both: before the token's {@code exp} (no skew: past {@code
 * exp} the token is verified in full again, skew included), and only under the same settings object
 * and key set it was verified with, so a settings swap or a key rotation retires every remembered
 * verification at once.
 */
record CachedVerification(
    VerifiedToken token, long expiresAtMillis, JwtSettings settings, VerificationKeys keys) {

  /** {@code token}, verified under {@code settings} and {@code keys}. */
  static CachedVerification of(VerifiedToken token, JwtSettings settings, VerificationKeys keys) {
    return new CachedVerification(token, token.expiresAt().toEpochMilli(), settings, keys);
  }

  /**
   * Whether this verification may answer at {@code nowMillis} under the settings and keys in force.
   */
  // Identity: the very settings and keys in force (replaced as a whole on reload), checked on every
  // call.
  @SuppressWarnings("ReferenceEquality")
  boolean answers(long nowMillis, JwtSettings currentSettings, VerificationKeys currentKeys) {
    return nowMillis < expiresAtMillis && settings == currentSettings && keys == currentKeys;
  }
}
