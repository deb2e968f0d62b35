package dev.datapunk.mesh.runtime.security.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys from a JWKS file that changes under a running verifier. */
class JwksFileSourceTest {

  static final Instant NOW = HostileTokenTest.NOW;

  static ECKey first;
  static ECKey second;

  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    first = TestKeys.ec("first");
    second = TestKeys.ec("second");
  }

  /** Writes via a temp file and an atomic move, as deployment tools do, and moves the mtime on. */
  private void write(Path file, String content, int secondsLater) throws IOException {
    Path temp = Files.createTempFile(dir, "jwks", ".tmp");
    Files.writeString(temp, content);
    Files.setLastModifiedTime(temp, FileTime.from(Instant.now().plusSeconds(secondsLater)));
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private JwtTokenVerifier verifierOn(JwksFileSource source) {
    return new JwtTokenVerifier(source, JwtSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static String tokenBy(ECKey key) {
    return TestTokens.sign(key, TestTokens.claims(NOW).build());
  }

  @Test
  void newKeyIsPickedUpAfterTheFileChanges() throws Exception {
    Path file = dir.resolve("jwks.json");
    write(file, new JWKSet(first.toPublicJWK()).toString(), 0);
    JwksFileSource source = JwksFileSource.open(file, Duration.ZERO);
    JwtTokenVerifier verifier = verifierOn(source);
    String byFirst = tokenBy(first);
    String bySecond = tokenBy(second);
    assertEquals("alice", verifier.verify(byFirst).subject());
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(TokenRejectedException.class, () -> verifier.verify(bySecond)).reason());

    write(file, new JWKSet(second.toPublicJWK()).toString(), 5);

    assertEquals("alice", verifier.verify(bySecond).subject());
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(TokenRejectedException.class, () -> verifier.verify(byFirst)).reason());
  }

  @Test
  void aSourceForAWatcherChangesOnlyWhenTheWatcherChecks() throws Exception {
    Path file = dir.resolve("jwks.json");
    write(file, new JWKSet(first.toPublicJWK()).toString(), 0);
    JwksFileSource source = JwksFileSource.openForWatcher(file);
    JwtTokenVerifier verifier = verifierOn(source);
    String bySecond = tokenBy(second);

    write(file, new JWKSet(second.toPublicJWK()).toString(), 5);
    // The thread asking for keys never touches the file.
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(TokenRejectedException.class, () -> verifier.verify(bySecond)).reason());

    source.checkForChange();
    assertEquals("alice", verifier.verify(bySecond).subject());
  }

  @Test
  void garbageFileKeepsTheOldKeys() throws Exception {
    Path file = dir.resolve("jwks.json");
    write(file, new JWKSet(first.toPublicJWK()).toString(), 0);
    JwksFileSource source = JwksFileSource.open(file, Duration.ZERO);
    JwtTokenVerifier verifier = verifierOn(source);
    JWKSet loaded = source.current();

    write(file, "{\"keys\": [ {\"kty\": \"EC\", ", 5);

    for (int i = 0; i < 5; i++) {
      assertSame(loaded, source.current());
    }
    assertEquals("alice", verifier.verify(tokenBy(first)).subject());
    assertEquals(JwksFileSource.ReloadOutcome.REJECTED, source.reload());
    assertEquals(1, source.rejectedVersions(), "one broken version, reported once");

    write(file, "[]", 7);
    source.current();
    source.current();
    assertEquals(2, source.rejectedVersions());

    write(file, new JWKSet(second.toPublicJWK()).toString(), 10);
    assertEquals("alice", verifier.verify(tokenBy(second)).subject());
  }

  @Test
  void fileWithoutPublicKeysAndDeletedFileKeepTheOldKeys() throws Exception {
    Path file = dir.resolve("jwks.json");
    write(file, new JWKSet(first.toPublicJWK()).toString(), 0);
    JwksFileSource source = JwksFileSource.open(file, Duration.ZERO);
    JWKSet loaded = source.current();

    write(
        file,
        new JWKSet(new OctetSequenceKey.Builder(new byte[32]).keyID("hmac").build())
            .toString(false),
        5);
    assertSame(loaded, source.current());
    write(file, "{\"keys\": []}", 10);
    assertSame(loaded, source.current());
    Files.delete(file);
    assertSame(loaded, source.current());
    assertEquals(JwksFileSource.ReloadOutcome.REJECTED, source.reload());
  }

  @Test
  void checkIntervalLimitsHowOftenTheFileIsLookedAt() throws Exception {
    Path file = dir.resolve("jwks.json");
    write(file, new JWKSet(first.toPublicJWK()).toString(), 0);
    JwksFileSource source = JwksFileSource.open(file, Duration.ofHours(1));
    JWKSet loaded = source.current();
    write(file, new JWKSet(second.toPublicJWK()).toString(), 5);
    assertSame(loaded, source.current());
    assertEquals(JwksFileSource.ReloadOutcome.RELOADED, source.reload());
    assertEquals("second", source.current().getKeys().get(0).getKeyID());
    assertEquals(JwksFileSource.ReloadOutcome.UNCHANGED, source.reload());
  }

  @Test
  void privateMembersAreDroppedAndSymmetricKeysIgnored() throws Exception {
    Path file = dir.resolve("jwks.json");
    OctetSequenceKey hmac = new OctetSequenceKey.Builder(new byte[32]).keyID("hmac").build();
    write(file, new JWKSet(List.of(first, hmac)).toString(false), 0);
    JwksFileSource source = JwksFileSource.open(file, Duration.ZERO);
    JWKSet keys = source.current();
    assertEquals(1, keys.size());
    assertEquals("first", keys.getKeys().get(0).getKeyID());
    assertFalse(keys.containsNonPublicKeys());
  }

  @Test
  void openingAnUnusableFileFailsNamingIt() throws Exception {
    Path garbage = dir.resolve("garbage.json");
    write(garbage, "not json", 0);
    IOException e =
        assertThrows(IOException.class, () -> JwksFileSource.open(garbage, Duration.ZERO));
    assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
    Path missing = dir.resolve("missing.json");
    assertThrows(IOException.class, () -> JwksFileSource.open(missing, Duration.ZERO));
  }
}
