package dev.datapunk.mesh.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The parsers configuration keys are declared with. Each rejects bad text with an {@link
 * InvalidValueException} that says what a good value looks like.
 */
public final class ValueParsers {

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,10}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,12})?");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\-\\[\\]]+");
  private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*://.*");
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.\\-]*://)[^/]*@");
  private static final Pattern HEADER_NAME = Pattern.compile("(?!grpc-)[0-9a-z_.\\-]+(?<!-bin)");
  private static final Pattern HEADER_VALUE = Pattern.compile("[ -~]+");
  private static final String HEADER_EXPECTED =
      "name=value headers, the name lower-case letters, digits, -, _ or ."
          + " (not grpc-*, not *-bin), the value printable ASCII";

  private ValueParsers() {}

  /** Whole numbers from {@code min} to {@code max}, both included. */
  public static ValueParser<Integer> integer(int min, int max) {
    String expected =
        max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
    return (text, context) -> parseInteger(text, min, max, expected);
  }

  /** TCP port numbers 0 to 65535. */
  public static ValueParser<Integer> port() {
    return (text, context) -> parseInteger(text, 0, 65_535, "a port number 0-65535");
  }

  /** Decimal numbers greater than 0 and at most {@code max}, e.g. {@code 5} or {@code 0.5}. */
  public static ValueParser<Double> positiveNumber(double max) {
    String expected = "a number > 0 and <= " + formatNumber(max);
    return (text, context) -> {
      if (!DECIMAL.matcher(text).matches()) {
        throw new InvalidValueException(expected, text);
      }
      double value = Double.parseDouble(text);
      if (!(value > 0) || value > max) {
        throw new InvalidValueException(expected, text);
      }
      return value;
    };
  }

  /** Decimal numbers from 0 to 1, both included, e.g. {@code 0}, {@code 0.25} or {@code 1}. */
  public static ValueParser<Double> ratio() {
    String expected = "a number from 0 to 1";
    return (text, context) -> {
      if (!DECIMAL.matcher(text).matches()) {
        throw new InvalidValueException(expected, text);
      }
      double value = Double.parseDouble(text);
      if (value > 1) {
        throw new InvalidValueException(expected, text);
      }
      return value;
    };
  }

  /**
   * gRPC request headers as {@code name=value} items: a YAML list, or text with items separated by
   * commas. Names are valid ASCII metadata keys, each given once; values are printable ASCII. Show
   * values only through {@link #maskHeaderValues}.
   */
  public static ValueParser<Map<String, String>> headers() {
    return new ValueParser<>() {
      @Override
      public Map<String, String> parse(String text, ParseContext context) {
        return text.isBlank() ? Map.of() : parseList(Arrays.asList(text.split(",", -1)), context);
      }

      @Override
      public Map<String, String> parseList(List<String> items, ParseContext context) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String item : items) {
          int equals = item.indexOf('=');
          String name = equals < 0 ? "" : item.substring(0, equals).strip();
          String value = equals < 0 ? "" : item.substring(equals + 1).strip();
          if (!HEADER_NAME.matcher(name).matches() || !HEADER_VALUE.matcher(value).matches()) {
            throw new InvalidValueException(HEADER_EXPECTED, item);
          }
          if (headers.put(name, value) != null) {
            throw new InvalidValueException("each header name once", name + "=");
          }
        }
        return Collections.unmodifiableMap(headers);
      }
    };
  }

  /**
   * {@code name=value} items with every value replaced by {@code ****}: {@code authorization=Bearer
   * abc,x-team=7} becomes {@code authorization=****,x-team=****}; an item without {@code =} is
   * masked whole; blank text stays as it is.
   */
  public static String maskHeaderValues(String headersText) {
    if (headersText.isBlank()) {
      return headersText;
    }
    String[] items = headersText.split(",", -1);
    for (int i = 0; i < items.length; i++) {
      int equals = items[i].indexOf('=');
      items[i] =
          (equals < 0 ? "" : items[i].substring(0, equals + 1)) + ConfigKeyPattern.SECRET_MASK;
    }
    return String.join(",", items);
  }

  /** {@code true} or {@code false}, in any letter case; nothing else. */
  public static ValueParser<Boolean> bool() {
    return (text, context) -> {
      if (text.equalsIgnoreCase("true")) {
        return true;
      }
      if (text.equalsIgnoreCase("false")) {
        return false;
      }
      throw new InvalidValueException("true or false", text);
    };
  }

  /**
   * Durations with a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}, at least
   * {@code min}.
   */
  public static ValueParser<Duration> duration(Duration min) {
    return (text, context) -> Durations.parse(text, min);
  }

  /** Byte sizes (see {@link Sizes}) from {@code min} to {@code max} bytes. */
  public static ValueParser<Long> size(long min, long max) {
    return (text, context) -> Sizes.parse(text, min, max);
  }

  /** {@code off} (empty) or a value of {@code inner}. */
  public static <T> ValueParser<Optional<T>> offOr(ValueParser<T> inner) {
    return (text, context) -> {
      if (text.equals("off")) {
        return Optional.empty();
      }
      try {
        return Optional.of(inner.parse(text, context));
      } catch (InvalidValueException e) {
        throw new InvalidValueException("off or " + e.expected(), e.offendingText().orElse(null));
      }
    };
  }

  /** {@code unlimited} (empty) or a whole number from {@code min} to {@code max}. */
  public static ValueParser<OptionalInt> unlimitedOr(int min, int max) {
    ValueParser<Integer> inner = integer(min, max);
    return (text, context) -> {
      if (text.equals("unlimited")) {
        return OptionalInt.empty();
      }
      try {
        return OptionalInt.of(inner.parse(text, context));
      } catch (InvalidValueException e) {
        throw new InvalidValueException("unlimited or " + e.expected(), text);
      }
    };
  }

  /** The lower-case names of {@code values}, e.g. {@code mtls} for {@code TlsMode.MTLS}. */
  public static <E extends Enum<E>> ValueParser<E> lowerCaseEnum(E[] values) {
    List<E> constants = List.of(values);
    String expected =
        "one of "
            + constants.stream().map(ValueParsers::configName).collect(Collectors.joining(", "));
    return (text, context) -> {
      for (E constant : constants) {
        if (configName(constant).equals(text)) {
          return constant;
        }
      }
      throw new InvalidValueException(expected, text);
    };
  }

  /** Exactly one of {@code allowed} (case-sensitive). */
  public static ValueParser<String> oneOf(String... allowed) {
    Set<String> set = Set.of(allowed);
    String expected = "one of " + String.join(", ", allowed);
    return (text, context) -> {
      if (!set.contains(text)) {
        throw new InvalidValueException(expected, text);
      }
      return text;
    };
  }

  /** Any text that is not blank; {@code what} names it in errors, e.g. {@code "an issuer"}. */
  public static ValueParser<String> nonBlank(String what) {
    return (text, context) -> {
      if (text.isBlank()) {
        throw new InvalidValueException(what + " (not blank)", text);
      }
      return text;
    };
  }

  /** Text that matches {@code pattern} entirely; {@code expected} says what that looks like. */
  public static ValueParser<String> matching(Pattern pattern, String expected) {
    return (text, context) -> {
      if (!pattern.matcher(text).matches()) {
        throw new InvalidValueException(expected, text);
      }
      return text;
    };
  }

  /** Any text, even empty. */
  public static ValueParser<String> anyText() {
    return (text, context) -> text;
  }

  /** A host name or IP address to bind to, e.g. {@code 0.0.0.0}, {@code ::1}, {@code localhost}. */
  public static ValueParser<String> host() {
    return (text, context) -> {
      if (!HOST.matcher(text).matches()) {
        throw new InvalidValueException("a host name or IP address, e.g. 0.0.0.0 or ::1", text);
      }
      return text;
    };
  }

  /** A file-system path, resolved against the working directory. */
  public static ValueParser<Path> path() {
    return (text, context) -> {
      if (text.isBlank()) {
        throw new InvalidValueException("a file path", text);
      }
      try {
        return context.workingDir().resolve(text);
      } catch (InvalidPathException e) {
        throw new InvalidValueException("a valid file path (" + e.getReason() + ")", text);
      }
    };
  }

  /** An absolute URI with a host whose scheme is one of {@code schemes} (lower case). */
  public static ValueParser<URI> uri(String... schemes) {
    Set<String> allowed = Set.of(schemes);
    String expected =
        "a URI with a host and scheme "
            + Arrays.stream(schemes).map(s -> s + "://").collect(Collectors.joining(" or "));
    return (text, context) -> {
      URI uri = parseUri(text, expected);
      if (uri.getScheme() == null
          || !allowed.contains(uri.getScheme().toLowerCase(Locale.ROOT))
          || uri.getHost() == null) {
        throw new InvalidValueException(expected, text);
      }
      return uri;
    };
  }

  /** A local file path (resolved against the working directory) or an {@code https://} URL. */
  public static ValueParser<JwksLocation> jwksLocation() {
    ValueParser<URI> https = uri("https");
    ValueParser<Path> path = path();
    String expected = "a file path or an https:// URL";
    return (text, context) -> {
      if (URL_SCHEME.matcher(text).matches()) {
        if (!text.regionMatches(true, 0, "https://", 0, 8)) {
          throw new InvalidValueException(expected, text);
        }
        return new JwksLocation.Url(https.parse(text, context));
      }
      try {
        return new JwksLocation.File(path.parse(text, context));
      } catch (InvalidValueException e) {
        throw new InvalidValueException(expected, text);
      }
    };
  }

  /**
   * A list of {@code item} values: a YAML list, or text with items separated by commas (blanks
   * around items are trimmed; empty text is the empty list). Empty items are rejected.
   */
  public static <E> ValueParser<List<E>> listOf(ValueParser<E> item, int minItems) {
    return new ValueParser<>() {
      @Override
      public List<E> parse(String text, ParseContext context) {
        if (text.isBlank()) {
          return checked(List.of(), context);
        }
        List<String> items = new ArrayList<>();
        for (String part : text.split(",", -1)) {
          items.add(part.strip());
        }
        return checked(items, context);
      }

      @Override
      public List<E> parseList(List<String> items, ParseContext context) {
        return checked(items, context);
      }

      private List<E> checked(List<String> items, ParseContext context) {
        if (items.size() < minItems) {
          throw new InvalidValueException("at least " + minItems + " list item(s)", null);
        }
        List<E> values = new ArrayList<>(items.size());
        for (String text : items) {
          if (text.isBlank()) {
            throw new InvalidValueException("a list without empty items", text);
          }
          values.add(item.parse(text, context));
        }
        return List.copyOf(values);
      }
    };
  }

  /**
   * {@code uriText} with any user information (user name and password) replaced by {@code ***}, so
   * that it can be logged: {@code redis://:secret@host} becomes {@code redis://***@host}.
   */
  public static String maskUserInfo(String uriText) {
    return USER_INFO.matcher(uriText).replaceFirst("$1***@");
  }

  /** {@link #maskUserInfo} of each item of a comma-separated list of URIs. */
  public static String maskUserInfoOfEach(String uriListText) {
    String[] items = uriListText.split(",", -1);
    for (int i = 0; i < items.length; i++) {
      String item = items[i];
      String stripped = item.stripLeading();
      items[i] = item.substring(0, item.length() - stripped.length()) + maskUserInfo(stripped);
    }
    return String.join(",", items);
  }

  /** The configuration spelling of an enum constant: its name in lower case. */
  public static String configName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  private static int parseInteger(String text, int min, int max, String expected) {
    if (!INTEGER.matcher(text).matches()) {
      throw new InvalidValueException(expected, text);
    }
    long value = Long.parseLong(text);
    if (value < min || value > max) {
      throw new InvalidValueException(expected, text);
    }
    return (int) value;
  }

  private static URI parseUri(String text, String expected) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidValueException(expected, text);
    }
  }

  private static String formatNumber(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
