package dev.datapunk.mesh.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.tls.TlsMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsersTest {

  private static final ParseContext CONTEXT = new ParseContext(Path.of("/srv/app"));

  private static <T> T parse(ValueParser<T> parser, String text) {
    return parser.parse(text, CONTEXT);
  }

  private static String rejection(ValueParser<?> parser, String text) {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> parser.parse(text, CONTEXT));
    return e.expected() + e.offendingText().map(t -> " | " + t).orElse("");
  }

  @ParameterizedTest
  @CsvSource({"500ms, 500", "30s, 30000", "5m, 300000", "2h, 7200000", "1d, 86400000", "0s, 0"})
  void durationsWithEachUnit(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), parse(ValueParsers.duration(Duration.ZERO), text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"30", "", "30 s", "-5s", "1.5s", "30S", "1h30m", "2w", "s"})
  void durationsWithoutAUnitOrMalformedAreRejectedNamingTheUnits(String text) {
    assertEquals(
        "a duration with a unit ms, s, m, h or d (e.g. 500ms, 30s, 2h) | " + text,
        rejection(ValueParsers.duration(Duration.ZERO), text));
  }

  @Test
  void durationBelowMinimumIsRejected() {
    assertEquals(
        "a duration of at least 1ms | 0ms",
        rejection(ValueParsers.duration(Duration.ofMillis(1)), "0ms"));
  }

  @Test
  void absurdDurationIsRejectedNotOverflowed() {
    assertEquals(
        "a duration with a unit ms, s, m, h or d (e.g. 500ms, 30s, 2h) that is not absurdly long"
            + " | 999999999999999999d",
        rejection(ValueParsers.duration(Duration.ZERO), "999999999999999999d"));
  }

  @Test
  void offOrDuration() {
    var parser = ValueParsers.offOr(ValueParsers.duration(Duration.ofMillis(1)));
    assertEquals(Optional.empty(), parse(parser, "off"));
    assertEquals(Optional.of(Duration.ofMinutes(10)), parse(parser, "10m"));
    assertEquals(
        "off or a duration with a unit ms, s, m, h or d (e.g. 500ms, 30s, 2h) | never",
        rejection(parser, "never"));
    assertEquals(
        "off or a duration with a unit ms, s, m, h or d (e.g. 500ms, 30s, 2h) | OFF",
        rejection(parser, "OFF"));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1024, 1024",
    "10B, 10",
    "4KiB, 4096",
    "4MiB, 4194304",
    "1GiB, 1073741824",
    "4KB, 4000",
    "4MB, 4000000",
    "2GB, 2000000000"
  })
  void sizes(String text, long bytes) {
    assertEquals(bytes, parse(ValueParsers.size(0, Long.MAX_VALUE), text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"4mib", "4 MiB", "-1", "1.5MiB", "MiB", "4TiB", ""})
  void malformedSizesAreRejectedNamingTheUnits(String text) {
    assertEquals(
        "a size in bytes, or with a unit B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB (powers"
            + " of 1000), e.g. 4MiB | "
            + text,
        rejection(ValueParsers.size(0, Long.MAX_VALUE), text));
  }

  @Test
  void sizesOutOfRangeAreRejected() {
    ValueParser<Long> parser = ValueParsers.size(1, Integer.MAX_VALUE);
    assertEquals(2_147_483_647L, parse(parser, "2147483647"));
    assertEquals("a size from 1 to 2147483647 bytes | 2GiB", rejection(parser, "2GiB"));
    assertEquals("a size from 1 to 2147483647 bytes | 0", rejection(parser, "0"));
    assertEquals(
        "a size from 1 to 2147483647 bytes | 999999999999999999GiB",
        rejection(parser, "999999999999999999GiB"));
  }

  @Test
  void unlimitedOrInteger() {
    var parser = ValueParsers.unlimitedOr(1, Integer.MAX_VALUE);
    assertEquals(OptionalInt.empty(), parse(parser, "unlimited"));
    assertEquals(OptionalInt.of(100), parse(parser, "100"));
    assertEquals("unlimited or an integer >= 1 | 0", rejection(parser, "0"));
    assertEquals("unlimited or an integer >= 1 | none", rejection(parser, "none"));
  }

  @Test
  void lowerCaseEnums() {
    var parser = ValueParsers.lowerCaseEnum(TlsMode.values());
    assertEquals(TlsMode.MTLS, parse(parser, "mtls"));
    assertEquals(TlsMode.TLS, parse(parser, "tls"));
    assertEquals(TlsMode.PLAINTEXT, parse(parser, "plaintext"));
    assertEquals("one of mtls, tls, plaintext | MTLS", rejection(parser, "MTLS"));
    assertEquals("one of mtls, tls, plaintext | ssl", rejection(parser, "ssl"));
  }

  @Test
  void booleansAreOnlyTrueOrFalseInAnyCase() {
    assertEquals(true, parse(ValueParsers.bool(), "true"));
    assertEquals(true, parse(ValueParsers.bool(), "TRUE"));
    assertEquals(false, parse(ValueParsers.bool(), "False"));
    for (String bad : List.of("yes", "1", "on", "", "t")) {
      assertEquals("true or false | " + bad, rejection(ValueParsers.bool(), bad));
    }
  }

  @Test
  void ports() {
    assertEquals(0, parse(ValueParsers.port(), "0"));
    assertEquals(65535, parse(ValueParsers.port(), "65535"));
    for (String bad : List.of("65536", "-1", "abc", "", "80.0", "99999999999", "+80")) {
      assertEquals("a port number 0-65535 | " + bad, rejection(ValueParsers.port(), bad));
    }
  }

  @Test
  void integersInRange() {
    ValueParser<Integer> parser = ValueParsers.integer(1, 10);
    assertEquals(1, parse(parser, "1"));
    assertEquals(10, parse(parser, "10"));
    assertEquals("an integer from 1 to 10 | 11", rejection(parser, "11"));
    assertEquals("an integer >= 1 | 0", rejection(ValueParsers.integer(1, Integer.MAX_VALUE), "0"));
  }

  @Test
  void positiveNumbers() {
    ValueParser<Double> parser = ValueParsers.positiveNumber(1_000_000);
    assertEquals(0.5, parse(parser, "0.5"));
    assertEquals(5.0, parse(parser, "5"));
    for (String bad : List.of("0", "0.0", "-1", "NaN", "Infinity", "1e3", "1000001", "")) {
      assertEquals("a number > 0 and <= 1000000 | " + bad, rejection(parser, bad));
    }
  }

  @Test
  void pathsResolveAgainstTheWorkingDirectory() {
    assertEquals(
        Path.of("/srv/app/certs/server.pem"), parse(ValueParsers.path(), "certs/server.pem"));
    assertEquals(Path.of("/etc/mesh/ca.pem"), parse(ValueParsers.path(), "/etc/mesh/ca.pem"));
    assertEquals("a file path | ", rejection(ValueParsers.path(), ""));
    assertEquals(
        "a valid file path (Nul character not allowed) | a\0b",
        rejection(ValueParsers.path(), "a\0b"));
  }

  @Test
  void redisUris() {
    ValueParser<URI> parser = ValueParsers.uri("redis", "rediss");
    assertEquals(URI.create("redis://127.0.0.1:6379"), parse(parser, "redis://127.0.0.1:6379"));
    assertEquals(URI.create("rediss://cache:6380/0"), parse(parser, "rediss://cache:6380/0"));
    for (String bad :
        List.of("http://cache:6379", "redis://", "cache:6379", "redis://ca che", "")) {
      assertEquals(
          "a URI with a host and scheme redis:// or rediss:// | " + bad, rejection(parser, bad));
    }
  }

  @Test
  void jwksIsAnHttpsUrlOrAFile() {
    ValueParser<JwksLocation> parser = ValueParsers.jwksLocation();
    assertEquals(
        new JwksLocation.Url(URI.create("https://idp.example/jwks.json")),
        parse(parser, "https://idp.example/jwks.json"));
    assertEquals(
        new JwksLocation.File(Path.of("/srv/app/keys/jwks.json")), parse(parser, "keys/jwks.json"));
    assertEquals(
        "a file path or an https:// URL | http://idp.example/jwks.json",
        rejection(parser, "http://idp.example/jwks.json"));
    assertEquals("a URI with a host and scheme https:// | https://", rejection(parser, "https://"));
    assertEquals("a file path or an https:// URL | ", rejection(parser, ""));
  }

  @Test
  void hosts() {
    for (String good : List.of("0.0.0.0", "::1", "[::1]", "localhost", "mesh-1.internal")) {
      assertEquals(good, parse(ValueParsers.host(), good));
    }
    for (String bad : List.of("", "my host", "host/1")) {
      assertEquals(
          "a host name or IP address, e.g. 0.0.0.0 or ::1 | " + bad,
          rejection(ValueParsers.host(), bad));
    }
  }

  @Test
  void listsFromCommaSeparatedTextOrItems() {
    var parser = ValueParsers.listOf(ValueParsers.oneOf("RS256", "ES256", "EdDSA"), 1);
    assertEquals(List.of("RS256", "EdDSA"), parse(parser, "RS256, EdDSA"));
    assertEquals(List.of("ES256"), parser.parseList(List.of("ES256"), CONTEXT));
    assertEquals("one of RS256, ES256, EdDSA | HS256", rejection(parser, "RS256,HS256"));
    assertEquals("a list without empty items | ", rejection(parser, "RS256,,ES256"));
    assertEquals("at least 1 list item(s)", rejection(parser, ""));
    assertEquals(List.of(), parse(ValueParsers.listOf(ValueParsers.anyText(), 0), ""));
  }

  @Test
  void scalarParsersRejectLists() {
    InvalidValueException e =
        assertThrows(
            InvalidValueException.class,
            () -> ValueParsers.port().parseList(List.of("1", "2"), CONTEXT));
    assertEquals("a single value, not a list", e.expected());
  }

  @Test
  void userInfoIsMasked() {
    assertEquals("redis://***@cache:6379", ValueParsers.maskUserInfo("redis://:s3cret@cache:6379"));
    assertEquals("redis://***@cache", ValueParsers.maskUserInfo("redis://user:s3cret@cache"));
    assertEquals("redis://cache:6379/0", ValueParsers.maskUserInfo("redis://cache:6379/0"));
  }
}
