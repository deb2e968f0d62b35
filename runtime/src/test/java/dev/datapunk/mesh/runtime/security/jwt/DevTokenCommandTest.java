package dev.datapunk.mesh.runtime.security.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DevTokenCommandTest {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path devDir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return DevTokenCommand.run(
        args,
        devDir,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private JwtTokenVerifier verifierOnDevJwks(JwtSettings settings, Instant at) throws Exception {
    JwksFileSource source =
        JwksFileSource.open(devDir.resolve(DevSigningKey.JWKS_FILE_NAME), Duration.ofSeconds(1));
    return new JwtTokenVerifier(source, settings, Clock.fixed(at, ZoneOffset.UTC));
  }

  @Test
  void printsOnlyATokenThatVerifiesAgainstTheDevJwks() throws Exception {
    int code =
        run(
            "--subject=alice",
            "--scopes=inventory:read,inventory:write",
            "--ttl=1h",
            "--issuer=mesh-dev",
            "--audience=inventory");

    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.endsWith(System.lineSeparator()));
    String token = printed.strip();
    assertEquals(3, token.split("\\.", -1).length);

    JwtSettings settings =
        JwtSettings.defaults()
            .withIssuer(Optional.of("mesh-dev"))
            .withAudience(Optional.of("inventory"));
    VerifiedToken verified = verifierOnDevJwks(settings, NOW).verify(token);
    assertEquals("alice", verified.subject());
    assertEquals(Set.of("inventory:read", "inventory:write"), verified.scopes());
    assertEquals(NOW.plus(Duration.ofHours(1)), verified.expiresAt());

    JwtTokenVerifier later =
        verifierOnDevJwks(settings, NOW.plus(Duration.ofHours(1)).plusSeconds(61));
    assertEquals(
        Reason.EXPIRED,
        assertThrows(TokenRejectedException.class, () -> later.verify(token)).reason());
  }

  @Test
  void reusesTheSameKeyAcrossRuns() throws Exception {
    assertEquals(0, run("--subject=alice"));
    String firstJwks = Files.readString(devDir.resolve(DevSigningKey.JWKS_FILE_NAME));
    assertEquals(0, run("--subject=bob"));
    assertEquals(firstJwks, Files.readString(devDir.resolve(DevSigningKey.JWKS_FILE_NAME)));
    List<String> tokens = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, tokens.size());
    JwtTokenVerifier verifier = verifierOnDevJwks(JwtSettings.defaults(), NOW);
    assertEquals("alice", verifier.verify(tokens.get(0)).subject());
    assertEquals("bob", verifier.verify(tokens.get(1)).subject());
    assertEquals(Set.of(), verifier.verify(tokens.get(1)).scopes());
  }

  @Test
  void mintsWithTheLibraryApiToo() throws Exception {
    DevSigningKey key = DevSigningKey.ensure(devDir);
    String token =
        DevTokens.mint(
            key,
            new DevTokenRequest(
                "svc", List.of("x"), Duration.ofMinutes(5), Optional.empty(), Optional.empty()),
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertEquals("svc", verifierOnDevJwks(JwtSettings.defaults(), NOW).verify(token).subject());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--scopes=a | --subject is required",
        "--subject= | --subject is required",
        "--subject=alice --ttl=0s | --ttl must be positive",
        "--subject=alice --ttl=-5m | --ttl must be positive",
        "--subject=alice --ttl=soon | --ttl 'soon' is not a duration",
        "--subject=alice --ttl=10x | needs a unit",
        "--subject=alice --colour=red | unknown option --colour",
        "--subject=alice extra | expected --name=value, got 'extra'",
        "--subject=alice --issuer= | --issuer must not be empty"
      })
  void badArgumentsExitWith2AndAMessage(String args, String message) {
    int code = run(args.split(" "));
    assertEquals(2, code);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertTrue(stderr.contains(message), stderr);
    assertTrue(stderr.contains(DevTokenCommand.USAGE), stderr);
  }

  @Test
  void ttlAcceptsUnitsAndIsoDurations() {
    assertEquals(Duration.ofSeconds(90), DevTokenCommand.parseTtl("90s"));
    assertEquals(Duration.ofMinutes(15), DevTokenCommand.parseTtl("15m"));
    assertEquals(Duration.ofDays(2), DevTokenCommand.parseTtl("2d"));
    assertEquals(Duration.ofMinutes(15), DevTokenCommand.parseTtl("PT15M"));
  }

  @Test
  void unusableKeyFileExitsWith1() throws Exception {
    Files.writeString(devDir.resolve(DevSigningKey.KEY_FILE_NAME), "garbage");
    assertEquals(1, run("--subject=alice"));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(DevSigningKey.KEY_FILE_NAME));
  }
}
