package dev.datapunk.mesh.runtime.security.jwt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The header-array memo in front of the verified-token cache, observed through real signature
 * checks. Most tests use a cache of ONE entry, so that after a second token pushes the first out of
 * the cache only the memo can answer the first token's array without a signature check: whatever
 * the memo answers, it must answer exactly as a full verification would.
 */
class HeaderArrayMemoTest {

  static final Instant NOW = HostileTokenTest.NOW;

  MutableClock clock;
  CountingSignatureVerifiers counting;
  AtomicReference<JWKSet> keys;
  ECKey ec;

  @BeforeEach
  void setUp() {
    ec = TestKeys.ec("ec-memo");
    clock = new MutableClock(NOW);
    counting = new CountingSignatureVerifiers();
    keys = new AtomicReference<>(new JWKSet(ec.toPublicJWK()));
  }

  @Test
  void theSameArrayIsAnsweredByIdentityAfterTheCacheForgotTheToken() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(1);
    byte[] alice = header("alice");
    VerifiedToken first = verifyHeader(verifier, alice);
    verifyHeader(
        verifier, header("bob")); // takes the cache's one entry; the memo slot stays alice's
    assertEquals(2, counting.signatureChecks.get());

    assertSame(first, verifyHeader(verifier, alice), "the memo answers the very array");
    assertEquals(2, counting.signatureChecks.get());
    assertEquals(
        "alice",
        verifyHeader(verifier, alice.clone()).subject(),
        "an equal array is verified again");
    assertEquals(3, counting.signatureChecks.get());
  }

  @Test
  void anotherRangeOfTheSameArrayIsNeverAnsweredByTheMemo() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(1);
    byte[] alice = onlyTheMemoRemembersAlice(verifier);
    TokenRejectedException shorter =
        assertThrows(
            TokenRejectedException.class, () -> verifier.verifyAscii(alice, 7, alice.length - 1));
    assertNotEquals(Reason.MISSING, shorter.reason());
    TokenRejectedException wider =
        assertThrows(
            TokenRejectedException.class, () -> verifier.verifyAscii(alice, 6, alice.length));
    assertNotEquals(Reason.MISSING, wider.reason());
  }

  @Test
  void theMemoStopsAnsweringAtExpiry() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(1);
    byte[] alice = onlyTheMemoRemembersAlice(verifier);
    clock.advance(Duration.ofMinutes(10).plus(JwtSettings.DEFAULT_CLOCK_SKEW));
    assertEquals(
        Reason.EXPIRED,
        assertThrows(TokenRejectedException.class, () -> verifyHeader(verifier, alice)).reason());
  }

  @Test
  void newSettingsAndNewKeysRetireWhatTheMemoRemembers() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(1);
    byte[] alice = onlyTheMemoRemembersAlice(verifier);
    verifier.updateSettings(
        verifier.settings().withIssuer(Optional.of("https://other-issuer.test")));
    assertEquals(
        Reason.WRONG_ISSUER,
        assertThrows(TokenRejectedException.class, () -> verifyHeader(verifier, alice)).reason());

    JwtTokenVerifier rotated = verifier(1);
    byte[] again = onlyTheMemoRemembersAlice(rotated);
    keys.set(new JWKSet(TestKeys.ec("ec-other").toPublicJWK()));
    assertThrows(TokenRejectedException.class, () -> verifyHeader(rotated, again));
  }

  @Test
  void cacheSizeZeroRemembersNothing() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(0);
    byte[] alice = header("alice");
    verifyHeader(verifier, alice);
    verifyHeader(verifier, alice);
    assertEquals(2, counting.signatureChecks.get());
    assertEquals(0, verifier.headerArrays().liveSlots());
  }

  @Test
  void theMemoKeepsNoArrayReachable() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(16);
    for (int i = 0; i < 8; i++) {
      verifyHeader(verifier, header("user-" + i));
    }
    // Nothing else holds those arrays now: the collector clears the memo's weak references.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              System.gc();
              return verifier.headerArrays().liveSlots() == 0;
            });
  }

  /**
   * Verifies a header of alice's, then one of bob's: with a one-entry cache bob's token takes the
   * cache and alice's array stays only in the memo. Returns alice's array.
   */
  private byte[] onlyTheMemoRemembersAlice(JwtTokenVerifier verifier)
      throws TokenRejectedException {
    byte[] alice = header("alice");
    verifyHeader(verifier, alice);
    verifyHeader(verifier, header("bob"));
    return alice;
  }

  private JwtTokenVerifier verifier(int cacheSize) {
    return new JwtTokenVerifier(
        keys::get, JwtSettings.defaults().withCacheSize(cacheSize), clock, counting);
  }

  /** {@code authorization} header bytes of a fresh token for {@code subject}, valid 10 minutes. */
  private byte[] header(String subject) {
    String token =
        TestTokens.sign(
            ec,
            TestTokens.claims(NOW)
                .subject(subject)
                .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(10))))
                .build());
    return ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
  }

  private static VerifiedToken verifyHeader(JwtTokenVerifier verifier, byte[] header)
      throws TokenRejectedException {
    return verifier.verifyAscii(header, 7, header.length);
  }
}
