package dev.datapunk.mesh.runtime.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes: a bare number of bytes, or a whole number with a unit: binary {@code B},
 * {@code KiB}, {@code MiB}, {@code GiB} (powers of 1024) or decimal {@code KB}, {@code MB}, {@code
 * GB} (powers of 1000).
 */
final class Sizes {

  static final String EXPECTED =
      "a size in bytes, or with a unit B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB (powers of"
          + " 1000), e.g. 4MiB";

  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})(B|KiB|MiB|GiB|KB|MB|GB)?");

  private static final Map<String, Long> UNITS =
      Map.of(
          "B", 1L,
          "KiB", 1L << 10,
          "MiB", 1L << 20,
          "GiB", 1L << 30,
          "KB", 1_000L,
          "MB", 1_000_000L,
          "GB", 1_000_000_000L);

  private Sizes() {}

  /** The number of bytes {@code text} denotes, between {@code min} and {@code max}. */
  static long parse(String text, long min, long max) {
    Matcher matcher = SIZE.matcher(text);
    if (!matcher.matches()) {
      throw new InvalidValueException(EXPECTED, text);
    }
    long factor = matcher.group(2) == null ? 1L : UNITS.get(matcher.group(2));
    long bytes;
    try {
      bytes = Math.multiplyExact(Long.parseLong(matcher.group(1)), factor);
    } catch (ArithmeticException tooLarge) {
      bytes = Long.MAX_VALUE;
    }
    if (bytes < min || bytes > max) {
      throw new InvalidValueException("a size from " + min + " to " + max + " bytes", text);
    }
    return bytes;
  }
}
