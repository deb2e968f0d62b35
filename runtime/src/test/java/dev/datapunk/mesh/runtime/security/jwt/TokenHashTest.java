package dev.datapunk.mesh.runtime.security.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keyed hash that stands for a token in the cache: SipHash-2-4-128, bytes and text alike. */
class TokenHashTest {

  static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  static String token(Random random, int length) {
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      token.append(i % 97 == 96 ? '.' : BASE64URL.charAt(random.nextInt(BASE64URL.length())));
    }
    return token.toString();
  }

  static String hex(TokenHash hash) {
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (hash.h0 >>> (8 * i));
      out[8 + i] = (byte) (hash.h1 >>> (8 * i));
    }
    return HexFormat.of().formatHex(out);
  }

  @Test
  void matchesTheSipHash128ReferenceVectors() {
    // vectors_sip128 of the SipHash reference implementation: key 00..0f, message 00..(n-1).
    TokenHash hash = new TokenHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
    String[] expected = {
      "a3817f04ba25a8e66df67214c7550293",
      "da87c1d86b99af44347659119b22fc45",
      "8177228da4a45dc7fca38bdef60affe4",
      "9c70b60c5267a94e5f33b6b02985ed51",
    };
    for (int n = 0; n < expected.length; n++) {
      hash.computeRaw(message(n));
      assertEquals(expected[n], hex(hash), "length " + n);
    }
    hash.computeRaw(message(15));
    assertEquals("5493e99933b0a8117e08ec0f97cfc3d9", hex(hash), "length 15");
  }

  static byte[] message(int length) {
    byte[] message = new byte[length];
    for (int i = 0; i < length; i++) {
      message[i] = (byte) i;
    }
    return message;
  }

  @Test
  void textAndBytesHashAlikeAtEveryLengthAndOffset() {
    Random random = new Random(7);
    TokenHash fromText = new TokenHash(random.nextLong(), random.nextLong());
    TokenHash fromBytes = new TokenHash(fromText.k0(), fromText.k1());
    for (int length = 1; length <= 80; length++) {
      String token = token(random, length);
      String header = "Bearer " + token + " ";
      byte[] bytes = header.getBytes(StandardCharsets.US_ASCII);
      assertTrue(fromText.compute(header, 7, 7 + length));
      assertTrue(fromBytes.compute(bytes, 7, 7 + length));
      assertEquals(hex(fromText), hex(fromBytes), "length " + length);
      fromBytes.computeRaw(token.getBytes(StandardCharsets.US_ASCII));
      assertEquals(hex(fromText), hex(fromBytes), "raw, length " + length);
    }
  }

  @Test
  void tokensDifferingInOneCharacterNeverHashAlike() {
    Random random = new Random(11);
    TokenHash hash = new TokenHash(random.nextLong(), random.nextLong());
    String token = token(random, 344);
    Set<String> seen = new HashSet<>();
    assertTrue(hash.compute(token, 0, token.length()));
    seen.add(hex(hash));
    char[] chars = token.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      char original = chars[i];
      for (char replacement :
          new char[] {(char) (original ^ 1), (char) (original ^ 0x20), '!', '~'}) {
        if (replacement == original || replacement < 0x21 || replacement > 0x7e) {
          continue;
        }
        chars[i] = replacement;
        assertTrue(hash.compute(new String(chars), 0, chars.length));
        assertTrue(seen.add(hex(hash)), "position " + i);
      }
      chars[i] = original;
    }
    assertTrue(hash.compute(token, 0, token.length() - 1));
    assertTrue(seen.add(hex(hash)), "one character shorter");
    assertTrue(hash.compute(token + "A", 0, token.length() + 1));
    assertTrue(seen.add(hex(hash)), "one character longer");
  }

  @Test
  void anyCharacterOrByteOutsidePrintableAsciiIsRefusedInEveryPosition() {
    TokenHash hash = new TokenHash(1, 2);
    byte[] token =
        "abcdefghijklmnopqrstuvw".getBytes(StandardCharsets.US_ASCII); // two blocks and a tail
    for (int position = 0; position < token.length; position++) {
      for (int value = 0; value < 256; value++) {
        byte[] changed = token.clone();
        changed[position] = (byte) value;
        boolean printable = value >= 0x21 && value <= 0x7e;
        assertEquals(
            printable,
            hash.compute(changed, 0, changed.length),
            "byte " + value + " at " + position);
        String text = new String(changed, StandardCharsets.ISO_8859_1);
        assertEquals(
            printable, hash.compute(text, 0, text.length()), "char " + value + " at " + position);
      }
    }
    assertFalse(hash.compute("abc\u0141def", 0, 7), "a character above 0xff");
  }

  @Test
  void anotherKeyGivesAnotherHash() {
    String token = token(new Random(3), 344);
    TokenHash one = new TokenHash(1, 2);
    TokenHash other = new TokenHash(1, 3);
    one.compute(token, 0, token.length());
    other.compute(token, 0, token.length());
    assertNotEquals(hex(one), hex(other));
    TokenHash process = TokenHash.ofCurrentThread();
    assertTrue(process.compute(token, 0, token.length()));
    assertNotEquals(hex(one), hex(process), "the process key is not a fixed test key");
  }
}
