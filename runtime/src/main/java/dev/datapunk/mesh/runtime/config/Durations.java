package dev.datapunk.mesh.runtime.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as a whole number and one unit: {@code 500ms}, {@code 30s}, {@code 2h}.
 */
final class Durations {

  static final String EXPECTED = "a duration with a unit ms, s, m, h or d (e.g. 500ms, 30s, 2h)";

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,18})(ms|s|m|h|d)");

  private Durations() {}

  /** The duration {@code text} denotes, not less than {@code min}. */
  static Duration parse(String text, Duration min) {
    Matcher matcher = DURATION.matcher(text);
    if (!matcher.matches()) {
      throw new InvalidValueException(EXPECTED, text);
    }
    Duration duration = toDuration(Long.parseLong(matcher.group(1)), matcher.group(2), text);
    if (duration.compareTo(min) < 0) {
      throw new InvalidValueException("a duration of at least " + format(min), text);
    }
    return duration;
  }

  private static Duration toDuration(long amount, String unit, String text) {
    try {
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> throw new IllegalStateException("unit " + unit);
      };
    } catch (ArithmeticException tooLong) {
      throw new InvalidValueException(EXPECTED + " that is not absurdly long", text);
    }
  }

  /** The shortest exact form in this syntax, e.g. {@code 1ms}, {@code 30s}, {@code 2h}. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    long[] factors = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < factors.length; i++) {
      if (millis != 0 && millis % factors[i] == 0) {
        return millis / factors[i] + units[i];
      }
    }
    return millis + "ms";
  }
}
