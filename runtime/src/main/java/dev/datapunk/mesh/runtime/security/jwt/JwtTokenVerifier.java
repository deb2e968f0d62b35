package dev.datapunk.mesh.runtime.security.jwt;

import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.ALGORITHM_NOT_ALLOWED;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.BAD_SIGNATURE;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.EXPIRED;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.KEYS_UNAVAILABLE;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.MALFORMED;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.MISSING;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.NOT_YET_VALID;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.TOO_LARGE;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.UNKNOWN_KEY;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.WRONG_AUDIENCE;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.WRONG_ISSUER;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenVerifier;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies JWT bearer tokens signed with an allow-listed asymmetric algorithm by a key of a {@link
 * JwkSetSource}.
 *
 * <p>Checks, in order, each failure naming its {@link TokenRejectedException.Reason}:
 *
 * <ol>
 *   <li>the token is present (MISSING) and no longer than {@link JwtSettings#maxTokenBytes()}
 *       (TOO_LARGE), before anything is parsed;
 *   <li>a verified-token cache hit answers here (see below);
 *   <li>three base64url segments, a JSON header with a string {@code alg} and no {@code crit}
 *       (MALFORMED: no critical extension is understood);
 *   <li>{@code alg} is on the allow-list (ALGORITHM_NOT_ALLOWED; {@code none} and HMAC never are,
 *       which defeats the "HS256 keyed with the public key" confusion);
 *   <li>a key fits {@code kid} and {@code alg} (UNKNOWN_KEY; the source may refetch once, see
 *       {@link JwkSetSource#refreshForUnknownKey}). A token with a {@code kid} is checked against
 *       the keys with that id whose type, curve and {@code alg} fit; a token without one only when
 *       exactly one key of the set fits. Keys with {@code use} other than {@code sig}, and RSA keys
 *       under 2048 bits, are never used;
 *   <li>the signature (BAD_SIGNATURE); only then is the payload read (MALFORMED if it is not a JSON
 *       claim set);
 *   <li>{@code exp} is present and now is before {@code exp + skew} (EXPIRED; a token without
 *       {@code exp} is treated as expired), {@code nbf} if present is before {@code now + skew}
 *       (NOT_YET_VALID), {@code iss} (WRONG_ISSUER) and {@code aud} (WRONG_AUDIENCE) when
 *       configured; {@code scope}/{@code scp} of the right type (MALFORMED).
 * </ol>
 *
 * <p>Cache: a verified token is remembered under a keyed 128-bit hash of its text ({@link
 * TokenHash}: SipHash-2-4 under a secret per-process key, never the token itself) until its {@code
 * exp}, for as long as the settings object and the key set are the ones it was verified under. A
 * repeated token then costs a hash and a lookup, no parsing and no signature check, and allocates
 * nothing. Rejections are not cached.
 *
 * <p>Settings live in one volatile immutable {@link JwtSettings}; {@link #updateSettings} swaps it
 * (issuer, audience, skew, algorithms, size limit) at run time, the cache size excepted.
 *
 * <p>Thread-safe. Never logs a token.
 */
public final class JwtTokenVerifier implements TokenVerifier {

  private final JwkSetSource keySource;
  private final Clock clock;
  private final SignatureVerifiers signatureVerifiers;
  private final VerifiedTokenCache cache;
  private final HeaderArrayMemo headerArrays;
  private final int cacheSize;
  private volatile JwtSettings settings;
  private volatile VerificationKeys keys;

  /** A verifier using the system UTC clock. */
  public JwtTokenVerifier(JwkSetSource keySource, JwtSettings settings) {
    this(keySource, settings, Clock.systemUTC());
  }

  /** A verifier reading time from {@code clock} (for tests). */
  public JwtTokenVerifier(JwkSetSource keySource, JwtSettings settings, Clock clock) {
    this(keySource, settings, clock, DefaultSignatureVerifiers.INSTANCE);
  }

  JwtTokenVerifier(
      JwkSetSource keySource,
      JwtSettings settings,
      Clock clock,
      SignatureVerifiers signatureVerifiers) {
    this.keySource = Objects.requireNonNull(keySource, "keySource");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.signatureVerifiers = Objects.requireNonNull(signatureVerifiers, "signatureVerifiers");
    this.cacheSize = settings.cacheSize();
    this.cache = new VerifiedTokenCache(cacheSize);
    this.headerArrays = new HeaderArrayMemo(cacheSize);
  }

  /**
   * Slots of the verified-token cache holding an entry, answerable or expired (at most {@link
   * JwtSettings#cacheSize()}); counts the slots, so call it for metrics, not per call.
   */
  public int cacheOccupancy() {
    return cache.occupiedSlots();
  }

  /** The settings in force. */
  public JwtSettings settings() {
    return settings;
  }

  /**
   * Puts {@code newSettings} in force for the next verification. Tokens cached under the previous
   * settings are verified again.
   *
   * @throws IllegalArgumentException when {@code newSettings} has another cache size (fixed at
   *     construction)
   */
  public void updateSettings(JwtSettings newSettings) {
    Objects.requireNonNull(newSettings, "newSettings");
    if (newSettings.cacheSize() != cacheSize) {
      throw new IllegalArgumentException(
          "cacheSize cannot change at run time (is "
              + cacheSize
              + ", requested "
              + newSettings.cacheSize()
              + ")");
    }
    settings = newSettings;
  }

  @Override
  public VerifiedToken verify(String token) throws TokenRejectedException {
    if (token == null) {
      throw new TokenRejectedException(MISSING);
    }
    return verify(token, 0, token.length());
  }

  /**
   * Verifies {@code text.substring(start, end)}; a cached token is answered without copying it out
   * of {@code text} (the hash reads the range in place).
   */
  @Override
  public VerifiedToken verify(String text, int start, int end) throws TokenRejectedException {
    Objects.checkFromToIndex(start, end, text.length());
    JwtSettings current = settings;
    checkLength(end - start, current);
    VerificationKeys verificationKeys = currentKeys();
    long now = clock.millis();
    TokenHash hash = TokenHash.ofCurrentThread();
    boolean cacheable = hash.compute(text, start, end);
    CachedVerification cached = cacheable ? cache.get(hash, now, current, verificationKeys) : null;
    if (cached != null) {
      return cached.token();
    }
    String token = start == 0 && end == text.length() ? text : text.substring(start, end);
    return verifyAndRemember(token, cacheable, hash, current, verificationKeys, now).token();
  }

  /**
   * Verifies the token held as ASCII bytes in {@code ascii[start..end)}, the transport's header
   * array, which must never be written afterwards. The very array seen verified before (a header
   * the connection's HPACK table repeats) is answered by identity ({@link HeaderArrayMemo});
   * otherwise a cached token is answered without decoding it (the hash reads the bytes in place),
   * the same entry as the same token given as text.
   */
  @Override
  public VerifiedToken verifyAscii(byte[] ascii, int start, int end) throws TokenRejectedException {
    Objects.checkFromToIndex(start, end, ascii.length);
    JwtSettings current = settings;
    checkLength(end - start, current);
    VerificationKeys verificationKeys = currentKeys();
    long now = clock.millis();
    VerifiedToken remembered = headerArrays.get(ascii, start, end, now, current, verificationKeys);
    if (remembered != null) {
      return remembered;
    }
    TokenHash hash = TokenHash.ofCurrentThread();
    boolean cacheable = hash.compute(ascii, start, end);
    CachedVerification verified =
        cacheable ? cache.get(hash, now, current, verificationKeys) : null;
    if (verified == null) {
      String token = new String(ascii, start, end - start, StandardCharsets.US_ASCII);
      verified = verifyAndRemember(token, cacheable, hash, current, verificationKeys, now);
    }
    if (cacheable) {
      headerArrays.remember(ascii, start, end, verified, now);
    }
    return verified.token();
  }

  private static void checkLength(int length, JwtSettings current) throws TokenRejectedException {
    if (length == 0) {
      throw new TokenRejectedException(MISSING);
    }
    if (length > current.maxTokenBytes()) {
      throw new TokenRejectedException(TOO_LARGE);
    }
  }

  /** Verifies a token the cache did not answer and remembers it when {@code cacheable}. */
  private CachedVerification verifyAndRemember(
      String token,
      boolean cacheable,
      TokenHash hash,
      JwtSettings current,
      VerificationKeys verificationKeys,
      long now)
      throws TokenRejectedException {
    CachedVerification verified =
        CachedVerification.of(
            verifyInFull(token, current, verificationKeys, now), current, verificationKeys);
    if (cacheable) {
      cache.put(hash, verified, now);
    }
    return verified;
  }

  /** The header-array memo, for tests in this package. */
  HeaderArrayMemo headerArrays() {
    return headerArrays;
  }

  /** The cache, for tests in this package. */
  VerifiedTokenCache cache() {
    return cache;
  }

  private VerifiedToken verifyInFull(
      String token, JwtSettings current, VerificationKeys verificationKeys, long now)
      throws TokenRejectedException {
    CompactJws jws = CompactJws.split(token);
    JWSHeader header = parseHeader(jws, current.allowedAlgorithms());
    List<VerificationKeys.Candidate> candidates =
        verificationKeys.candidates(header.getKeyID(), header.getAlgorithm());
    if (candidates.isEmpty()) {
      candidates = candidatesAfterRefresh(header, verificationKeys);
    }
    checkSignature(jws, header, candidates);
    JWTClaimsSet claims = parseClaims(jws);
    return checkClaims(claims, current, now);
  }

  private static JWSHeader parseHeader(CompactJws jws, Set<String> allowedAlgorithms)
      throws TokenRejectedException {
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(jws.header().decodeToString());
    } catch (ParseException | RuntimeException e) {
      throw new TokenRejectedException(MALFORMED);
    }
    if (!(json.get("alg") instanceof String algorithm)) {
      throw new TokenRejectedException(MALFORMED);
    }
    if (!allowedAlgorithms.contains(algorithm)) {
      throw new TokenRejectedException(ALGORITHM_NOT_ALLOWED);
    }
    if (json.containsKey("crit")) {
      throw new TokenRejectedException(MALFORMED);
    }
    try {
      return JWSHeader.parse(json, jws.header());
    } catch (ParseException | RuntimeException e) {
      throw new TokenRejectedException(MALFORMED);
    }
  }

  private List<VerificationKeys.Candidate> candidatesAfterRefresh(
      JWSHeader header, VerificationKeys stale) throws TokenRejectedException {
    JWKSet refreshed;
    try {
      refreshed = keySource.refreshForUnknownKey(header.getKeyID());
    } catch (JwkSetUnavailableException e) {
      throw new TokenRejectedException(UNKNOWN_KEY);
    }
    if (refreshed != null && !refreshed.equals(stale.origin())) {
      List<VerificationKeys.Candidate> candidates =
          keysFor(refreshed).candidates(header.getKeyID(), header.getAlgorithm());
      if (!candidates.isEmpty()) {
        return candidates;
      }
    }
    throw new TokenRejectedException(UNKNOWN_KEY);
  }

  private static void checkSignature(
      CompactJws jws, JWSHeader header, List<VerificationKeys.Candidate> candidates)
      throws TokenRejectedException {
    byte[] signingInput = jws.signingInput();
    for (VerificationKeys.Candidate candidate : candidates) {
      try {
        if (candidate.verifier().verify(header, signingInput, jws.signature())) {
          return;
        }
      } catch (JOSEException e) {
        // A signature the key cannot even process (wrong length, bad encoding) is a bad signature.
      }
    }
    throw new TokenRejectedException(BAD_SIGNATURE);
  }

  private static JWTClaimsSet parseClaims(CompactJws jws) throws TokenRejectedException {
    try {
      return JWTClaimsSet.parse(jws.payload().decodeToString());
    } catch (ParseException | RuntimeException e) {
      throw new TokenRejectedException(MALFORMED);
    }
  }

  private static VerifiedToken checkClaims(JWTClaimsSet claims, JwtSettings current, long now)
      throws TokenRejectedException {
    long skew = current.clockSkew().toMillis();
    Date expiry = claims.getExpirationTime();
    if (expiry == null || now - skew >= expiry.toInstant().toEpochMilli()) {
      throw new TokenRejectedException(EXPIRED);
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now + skew < notBefore.toInstant().toEpochMilli()) {
      throw new TokenRejectedException(NOT_YET_VALID);
    }
    if (current.issuer().isPresent() && !current.issuer().get().equals(claims.getIssuer())) {
      throw new TokenRejectedException(WRONG_ISSUER);
    }
    if (current.audience().isPresent()
        && (claims.getAudience() == null
            || !claims.getAudience().contains(current.audience().get()))) {
      throw new TokenRejectedException(WRONG_AUDIENCE);
    }
    Set<String> scopes = TokenClaims.scopes(claims.getClaims());
    String subject = claims.getSubject() == null ? "" : claims.getSubject();
    return new VerifiedToken(
        subject, scopes, expiry.toInstant(), TokenClaims.frozen(claims.toJSONObject()));
  }

  private VerificationKeys currentKeys() throws TokenRejectedException {
    JWKSet set;
    try {
      set = keySource.current();
    } catch (JwkSetUnavailableException e) {
      throw new TokenRejectedException(KEYS_UNAVAILABLE);
    }
    if (set == null) {
      throw new TokenRejectedException(KEYS_UNAVAILABLE);
    }
    return keysFor(set);
  }

  // Identity: the keys built from this very set instance, checked on every token without comparing
  // keys.
  @SuppressWarnings("ReferenceEquality")
  private VerificationKeys keysFor(JWKSet set) {
    VerificationKeys known = keys;
    if (known != null && known.origin() == set) {
      return known;
    }
    synchronized (this) {
      known = keys;
      if (known == null || known.origin() != set) {
        known = VerificationKeys.build(set, signatureVerifiers);
        keys = known;
      }
      return known;
    }
  }
}
