package dev.datapunk.mesh.runtime.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import io.grpc.Metadata;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code authorization} header read as the transport's bytes: the same token and the same
 * rejections as the String rule it replaced, and the token handed to the verifier in place.
 */
class AuthorizationHeaderTest {

  static final Metadata.Key<String> AS_TEXT =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final VerifiedToken ALICE =
      new VerifiedToken("alice", Set.of("read"), Instant.EPOCH, Map.of());

  static Metadata headers(byte[]... values) {
    Metadata headers = new Metadata();
    for (byte[] value : values) {
      headers.put(AuthorizationHeader.KEY, value);
    }
    return headers;
  }

  static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.ISO_8859_1);
  }

  static Reason rejection(Metadata headers) {
    return assertThrows(TokenRejectedException.class, () -> AuthorizationHeader.token(headers))
        .reason();
  }

  @Test
  void theTokenIsWhatFollowsTheSchemeWithoutSurroundingWhitespace() throws TokenRejectedException {
    assertEquals("abc.def.ghi", AuthorizationHeader.token(headers(ascii("Bearer abc.def.ghi"))));
    assertEquals("abc", AuthorizationHeader.token(headers(ascii("bEaReR  \t abc \t "))));
    assertEquals("a b", AuthorizationHeader.token(headers(ascii("BEARER a b"))));
  }

  @Test
  void aMissingHeaderOrSchemeOrTokenIsMissingAndTwoHeadersAreMalformed() {
    assertEquals(Reason.MISSING, rejection(new Metadata()));
    assertEquals(Reason.MISSING, rejection(headers(ascii("Basic YWxpY2U6cHc="))));
    assertEquals(Reason.MISSING, rejection(headers(ascii("Bearer"))));
    assertEquals(Reason.MISSING, rejection(headers(ascii("Bearerabc"))));
    assertEquals(Reason.MISSING, rejection(headers(ascii("Bearer \t  "))));
    assertEquals(Reason.MISSING, rejection(headers(new byte[0])));
    assertEquals(Reason.MALFORMED, rejection(headers(ascii("Bearer a"), ascii("Bearer b"))));
  }

  @Test
  void answersExactlyAsTheStringRuleItReplaced() {
    List<byte[]> values = new ArrayList<>();
    for (String text :
        new String[] {
          "Bearer x",
          "bearer x",
          "BEARER\tx",
          "Bearer\u001cx\u001f",
          "Bearer \u000bx\r\n",
          "Bearer  ",
          "Bearer",
          "Bearer ",
          "Bearerx",
          " Bearer x",
          "Bear",
          "",
          "Bearer x y",
          "Bearer \u007fx\u007f"
        }) {
      values.add(ascii(text));
    }
    values.add(new byte[] {'B', 'e', 'a', 'r', 'e', 'r', ' ', (byte) 0xa0, 'x', (byte) 0x85});
    values.add(new byte[] {'B', 'e', 'a', 'r', 'e', 'r', ' ', (byte) 0xff});
    values.add(new byte[] {'B', 'e', 'a', 'r', (byte) 0xc5, 'r', ' ', 'x'});
    values.add(new byte[] {'B', 'e', 'a', 'r', 'e', 'r', (byte) 0xa0, 'x'});
    for (byte[] value : values) {
      String expected;
      try {
        expected = formerStringRule(headers(value));
      } catch (TokenRejectedException e) {
        expected = e.reason().name();
      }
      String actual;
      try {
        actual = AuthorizationHeader.token(headers(value));
      } catch (TokenRejectedException e) {
        actual = e.reason().name();
      }
      assertEquals(expected, actual, () -> "header " + java.util.Arrays.toString(value));
    }
  }

  @Test
  void theVerifierGetsTheTransportBytesInPlaceAndNothingIsCopied() throws TokenRejectedException {
    byte[] value = ascii("Bearer  header.payload.signature ");
    Metadata headers = headers(value);
    List<Object> seen = new ArrayList<>();
    TokenVerifier recording =
        new TokenVerifier() {
          @Override
          public VerifiedToken verify(String token) {
            throw new AssertionError("the text form must not be used");
          }

          @Override
          public VerifiedToken verifyAscii(byte[] ascii, int start, int end) {
            seen.add(ascii);
            seen.add(start);
            seen.add(end);
            return ALICE;
          }
        };
    assertSame(ALICE, AuthorizationHeader.verify(headers, recording));
    assertSame(value, seen.get(0), "the header's own array");
    assertEquals(8, seen.get(1));
    assertEquals(value.length - 1, seen.get(2));
    assertArrayEquals(value, ascii("Bearer  header.payload.signature "), "not written to");
  }

  @Test
  void aVerifierWithOnlyTheTextFormGetsTheDecodedToken() throws TokenRejectedException {
    List<String> seen = new ArrayList<>();
    TokenVerifier textOnly =
        token -> {
          seen.add(token);
          return ALICE;
        };
    Metadata headers = new Metadata();
    headers.put(AS_TEXT, "Bearer a.b.c\t");
    assertSame(ALICE, AuthorizationHeader.verify(headers, textOnly));
    assertEquals(List.of("a.b.c"), seen);
    assertThrows(IndexOutOfBoundsException.class, () -> textOnly.verifyAscii(new byte[3], 2, 4));
  }

  @Test
  void readingTheHeaderDoesNotCopyTheToken() throws TokenRejectedException {
    StringBuilder token = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      token.append((char) ('a' + i % 26));
    }
    Metadata headers = new Metadata();
    headers.put(AS_TEXT, "Bearer " + token);
    TokenVerifier cached =
        new TokenVerifier() {
          @Override
          public VerifiedToken verify(String text) {
            throw new AssertionError("the text form must not be used");
          }

          @Override
          public VerifiedToken verifyAscii(byte[] ascii, int start, int end) {
            return end - start == 400 ? ALICE : null;
          }
        };
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int i = 0; i < 20_000; i++) {
      sink += AuthorizationHeader.verify(headers, cached).subject().length();
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 100_000; i++) {
      sink += AuthorizationHeader.verify(headers, cached).subject().length();
    }
    long perCall = (threads.getThreadAllocatedBytes(thread) - before) / 100_000;
    assertEquals(5L * 120_000, sink);
    // At most grpc's iterable over the header's values; a copy of the token would be over 400 B.
    assertTrue(perCall < 128, perCall + " bytes allocated per header read");
  }

  /** The rule before the header was read as bytes: grpc's String decode, then the checks on it. */
  static String formerStringRule(Metadata headers) throws TokenRejectedException {
    Iterable<String> values = headers.getAll(AS_TEXT);
    if (values == null) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    Iterator<String> iterator = values.iterator();
    String value = iterator.next();
    if (iterator.hasNext()) {
      throw new TokenRejectedException(Reason.MALFORMED);
    }
    if (!value.regionMatches(true, 0, "bearer ", 0, 7)) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    int start = 7;
    while (start < value.length() && Character.isWhitespace(value.charAt(start))) {
      start++;
    }
    int end = value.length();
    while (end > start && Character.isWhitespace(value.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    return value.substring(start, end);
  }
}
