package dev.datapunk.mesh.runtime.security.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verified-token cache, observed through the number of real signature checks. */
class VerifiedTokenCacheTest {

  static final Instant NOW = HostileTokenTest.NOW;

  static ECKey ec;
  MutableClock clock;
  CountingSignatureVerifiers counting;
  AtomicReference<JWKSet> keys;

  @BeforeAll
  static void key() {
    ec = TestKeys.ec("ec-1");
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock(NOW);
    counting = new CountingSignatureVerifiers();
    keys = new AtomicReference<>(new JWKSet(ec.toPublicJWK()));
  }

  JwtTokenVerifier verifier(JwtSettings settings) {
    return new JwtTokenVerifier(keys::get, settings, clock, counting);
  }

  String token(String subject, Duration lifetime) {
    return TestTokens.sign(
        ec,
        TestTokens.claims(NOW)
            .subject(subject)
            .expirationTime(Date.from(NOW.plus(lifetime)))
            .build());
  }

  @Test
  void repeatedTokenIsNotVerifiedAgain() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults());
    String token = token("alice", Duration.ofMinutes(10));
    VerifiedToken first = verifier.verify(token);
    assertEquals(1, counting.signatureChecks.get());
    VerifiedToken second = verifier.verify(new String(token.toCharArray()));
    assertSame(first, second);
    assertEquals(1, counting.signatureChecks.get());
  }

  @Test
  void cachedVerificationAllocatesNothing() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults());
    String token = token("alice", Duration.ofMinutes(10));
    verifier.verify(token);
    for (int i = 0; i < 20_000; i++) {
      verifier.verify(token);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    int calls = 10_000;
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < calls; i++) {
      verifier.verify(token);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertEquals(1, counting.signatureChecks.get());
    assertTrue(
        allocated < calls,
        "cached verifications allocated " + allocated + " bytes for " + calls + " calls");
  }

  @Test
  void cachedTokenIsRejectedOnceItExpires() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults());
    String token = token("alice", Duration.ofMinutes(10));
    verifier.verify(token);
    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    verifier.verify(token);
    assertEquals(1, counting.signatureChecks.get());
    // At exp the cache no longer answers; within the skew the full check still accepts.
    clock.advance(Duration.ofMillis(1));
    verifier.verify(token);
    assertEquals(2, counting.signatureChecks.get());
    clock.advance(Duration.ofSeconds(60));
    TokenRejectedException e =
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    assertEquals(Reason.EXPIRED, e.reason());
  }

  @Test
  void cacheNeverHoldsMoreThanItsBoundAndStillAnswersCorrectly() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults().withCacheSize(8));
    for (int i = 0; i < 200; i++) {
      String subject = "user-" + i;
      assertEquals(subject, verifier.verify(token(subject, Duration.ofMinutes(10))).subject());
      assertTrue(verifier.cache().occupiedSlots() <= 8);
    }
    assertTrue(verifier.cache().capacity() <= 8);
    assertEquals(8, verifier.cache().occupiedSlots());
  }

  @Test
  void aTokenDifferingInOneByteNeverHitsTheCachedEntry() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults());
    String token = token("alice", Duration.ofMinutes(10));
    byte[] bytes = token.getBytes(StandardCharsets.US_ASCII);
    verifier.verify(token);
    assertSame(
        verifier.verify(token), verifier.verifyAscii(bytes, 0, bytes.length), "the entry answers");
    int passed = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte original = bytes[i];
      bytes[i] = (byte) (original == 'A' ? 'B' : 'A');
      String changed = new String(bytes, StandardCharsets.US_ASCII);
      bytes[i] = original;
      int checks = counting.signatureChecks.get();
      try {
        // Answered from the cache, the changed token would pass without a signature check.
        verifier.verify(changed);
        // It may pass on its own merit: the last character of a base64url segment carries bits the
        // decoder ignores, so a few changes there leave the signature bytes as they were.
        assertEquals(
            checks + 1, counting.signatureChecks.get(), "position " + i + " was checked in full");
        assertEquals(bytes.length - 1, i, "only the signature's last character has such bits");
        passed++;
      } catch (TokenRejectedException e) {
        // refused: never the cached answer
      }
    }
    assertTrue(passed <= 1, passed + " changed tokens passed");
    assertEquals("alice", verifier.verify(token).subject());
  }

  @Test
  void tokensSharingOneBucketNeverAnswerForEachOther() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults().withCacheSize(1));
    String alice = token("alice", Duration.ofMinutes(10));
    String bob = token("bob", Duration.ofMinutes(10));
    assertEquals("alice", verifier.verify(alice).subject());
    assertEquals("bob", verifier.verify(bob).subject());
    assertEquals("alice", verifier.verify(alice).subject());
    assertEquals(3, counting.signatureChecks.get());
    assertEquals("alice", verifier.verify(alice).subject());
    assertEquals(3, counting.signatureChecks.get());
  }

  @Test
  void concurrentCallersUnderHeavyEvictionAlwaysGetTheirOwnToken() throws Exception {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults().withCacheSize(16));
    int distinct = 20;
    List<String> tokens = new java.util.ArrayList<>();
    for (int i = 0; i < distinct; i++) {
      tokens.add(token("user-" + i, Duration.ofMinutes(10)));
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  int wrong = 0;
                  for (int i = 0; i < 300; i++) {
                    int pick = (i * 7 + seed * 13) % distinct;
                    if (!verifier.verify(tokens.get(pick)).subject().equals("user-" + pick)) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      for (java.util.concurrent.Future<Integer> result : results) {
        assertEquals(0, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(verifier.cache().occupiedSlots() <= 16);
    assertTrue(counting.signatureChecks.get() < 4 * 300, "the cache answered some calls");
  }

  @Test
  void sizeZeroTurnsTheCacheOff() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults().withCacheSize(0));
    String token = token("alice", Duration.ofMinutes(10));
    verifier.verify(token);
    verifier.verify(token);
    assertEquals(2, counting.signatureChecks.get());
    assertEquals(0, verifier.cache().capacity());
  }

  @Test
  void settingsSwapRetiresCachedTokens() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults());
    String token = token("alice", Duration.ofMinutes(10));
    verifier.verify(token);
    verifier.updateSettings(verifier.settings().withIssuer(Optional.of("https://issuer.test")));
    TokenRejectedException e =
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    assertEquals(Reason.WRONG_ISSUER, e.reason());
  }

  @Test
  void cacheSizeCannotChangeAtRunTime() {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> verifier.updateSettings(JwtSettings.defaults().withCacheSize(5)));
    assertTrue(e.getMessage().contains("cacheSize"));
  }

  @Test
  void removingTheSigningKeyRetiresCachedTokens() throws TokenRejectedException {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults());
    String token = token("alice", Duration.ofMinutes(10));
    verifier.verify(token);
    keys.set(new JWKSet(List.of(TestKeys.ec("ec-2").toPublicJWK())));
    TokenRejectedException e =
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    assertEquals(Reason.UNKNOWN_KEY, e.reason());
  }

  @Test
  void rejectedTokensAreNotCached() {
    JwtTokenVerifier verifier = verifier(JwtSettings.defaults());
    String forged = TestTokens.sign(TestKeys.ec("ec-1"), TestTokens.claims(NOW).build());
    for (int i = 0; i < 3; i++) {
      assertEquals(
          Reason.BAD_SIGNATURE,
          assertThrows(TokenRejectedException.class, () -> verifier.verify(forged)).reason());
    }
    assertEquals(3, counting.signatureChecks.get());
  }
}
