package dev.datapunk.mesh.runtime.security.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Verifying a token given as a range of a longer text (the {@code authorization} header value): the
 * same answers as the copied-out token, the cache answered without a copy.
 */
class TokenRangeVerificationTest {

  static final Instant NOW = HostileTokenTest.NOW;

  ECKey key;
  JwtTokenVerifier verifier;
  String token;
  String header;
  int start;

  @BeforeEach
  void setUp() {
    key = TestKeys.ec("ec-range");
    JWKSet keys = new JWKSet(List.of(key.toPublicJWK()));
    verifier =
        new JwtTokenVerifier(() -> keys, JwtSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
    token = TestTokens.sign(key, TestTokens.claims(NOW).build());
    header = "Bearer  " + token + " \t";
    start = header.indexOf(token);
  }

  @Test
  void aRangeVerifiesLikeTheCopiedToken() throws TokenRejectedException {
    VerifiedToken fromRange = verifier.verify(header, start, start + token.length());
    assertEquals("alice", fromRange.subject());
    assertSame(fromRange, verifier.verify(token), "the copied token hits the entry the range put");
    assertSame(fromRange, verifier.verify(header, start, start + token.length()), "cached");
  }

  @Test
  void theDigestCoversExactlyTheRange() throws TokenRejectedException {
    verifier.verify(token);
    TokenRejectedException shorter =
        assertThrows(
            TokenRejectedException.class,
            () -> verifier.verify(header, start, start + token.length() - 1));
    assertNotEquals(Reason.MISSING, shorter.reason());
    TokenRejectedException wider =
        assertThrows(
            TokenRejectedException.class,
            () -> verifier.verify(header, start - 1, start + token.length()));
    assertNotEquals(Reason.MISSING, wider.reason());
  }

  @Test
  void anEmptyRangeIsMissingAndABadRangeIsRefused() {
    assertEquals(
        Reason.MISSING,
        assertThrows(TokenRejectedException.class, () -> verifier.verify(header, 3, 3)).reason());
    assertThrows(
        IndexOutOfBoundsException.class, () -> verifier.verify(header, start, header.length() + 1));
    assertThrows(IndexOutOfBoundsException.class, () -> verifier.verify(header, 5, 4));
  }

  @Test
  void aCachedRangeAllocatesNothing() throws TokenRejectedException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int end = start + token.length();
    long sink = 0;
    for (int i = 0; i < 20_000; i++) { // verifies once, then warms up the cached path
      sink += verifier.verify(header, start, end).subject().length();
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 100_000; i++) {
      sink += verifier.verify(header, start, end).subject().length();
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertEquals(5L * 120_000, sink);
    // Zero in practice; a copy of the ~300-character token per call would be over 30 MB here.
    assertTrue(
        allocated < 64 * 1024, allocated + " bytes allocated by 100,000 cached verifications");
  }

  @Test
  void headerBytesVerifyLikeTheTextAndShareItsCacheEntry() throws TokenRejectedException {
    byte[] bytes = header.getBytes(StandardCharsets.US_ASCII);
    VerifiedToken fromBytes = verifier.verifyAscii(bytes, start, start + token.length());
    assertEquals("alice", fromBytes.subject());
    assertSame(fromBytes, verifier.verify(token), "the text hits the entry the bytes put");
    assertSame(fromBytes, verifier.verifyAscii(bytes, start, start + token.length()), "cached");
    assertNotEquals(
        Reason.MISSING,
        assertThrows(
                TokenRejectedException.class,
                () -> verifier.verifyAscii(bytes, start, start + token.length() - 1))
            .reason());
    assertEquals(
        Reason.MISSING,
        assertThrows(TokenRejectedException.class, () -> verifier.verifyAscii(bytes, 3, 3))
            .reason());
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> verifier.verifyAscii(bytes, start, bytes.length + 1));
  }

  @Test
  void aByteOutsidePrintableAsciiIsNeverAnsweredFromTheCache() throws TokenRejectedException {
    byte[] bytes = token.getBytes(StandardCharsets.US_ASCII);
    verifier.verifyAscii(bytes, 0, bytes.length);
    for (byte outside : new byte[] {(byte) 0x80, (byte) 0xff, 0x20, 0x7f, 0x00}) {
      byte[] changed = bytes.clone();
      changed[bytes.length - 3] = outside;
      assertThrows(
          TokenRejectedException.class, () -> verifier.verifyAscii(changed, 0, changed.length));
    }
  }

  @Test
  void cachedHeaderBytesAllocateNothing() throws TokenRejectedException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] bytes = header.getBytes(StandardCharsets.US_ASCII);
    int end = start + token.length();
    long sink = 0;
    for (int i = 0; i < 20_000; i++) {
      sink += verifier.verifyAscii(bytes, start, end).subject().length();
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 100_000; i++) {
      sink += verifier.verifyAscii(bytes, start, end).subject().length();
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertEquals(5L * 120_000, sink);
    assertTrue(
        allocated < 64 * 1024, allocated + " bytes allocated by 100,000 cached verifications");
  }
}
