package dev.datapunk.mesh.runtime.security.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.datapunk.mesh.runtime.security.MeshTestServer;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JwksUrlSource} against a real HTTPS server on loopback, with a test clock for ages. */
class JwksUrlSourceTest {

  @TempDir Path dir;

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ECKey k1 = TestKeys.ec("k1");
  private final ECKey k2 = TestKeys.ec("k2");
  private JwksHttpsServer https;
  private JwksUrlSource source;

  @BeforeEach
  void startServer() throws Exception {
    https = new JwksHttpsServer(dir);
    https.serve(200, jwks(k1), null);
  }

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    https.close();
  }

  private static String jwks(JWK... keys) {
    List<JWK> list = new ArrayList<>();
    for (JWK key : keys) {
      list.add(key.toPublicJWK());
    }
    return new JWKSet(list).toString();
  }

  private JwksUrlSource open(JwksUrlSource.Settings settings) throws IOException {
    source =
        JwksUrlSource.open(https.uri(), JwksTrust.fromCaFile(https.caFile()), settings, nanos::get);
    return source;
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  private static String token(JWK key) {
    return TestTokens.sign(key, TestTokens.claims(Instant.now()).build());
  }

  @Test
  void tokensSignedWithAServedKeyVerify() throws Exception {
    JwtTokenVerifier verifier =
        new JwtTokenVerifier(open(JwksUrlSource.Settings.defaults()), JwtSettings.defaults());
    assertEquals("alice", verifier.verify(token(k1)).subject());
    assertEquals(1, https.requests());
  }

  @Test
  void anUnknownKidRefetchesAtMostOncePer30Seconds() throws Exception {
    JwtTokenVerifier verifier =
        new JwtTokenVerifier(open(JwksUrlSource.Settings.defaults()), JwtSettings.defaults());
    https.serve(200, jwks(k1, k2), null); // the identity provider rotates in k2

    // Within 30 s of the last fetch an unknown kid does not refetch.
    advance(Duration.ofSeconds(29));
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token(k2))).reason());
    assertEquals(1, https.requests());

    advance(Duration.ofSeconds(2));
    assertEquals("alice", verifier.verify(token(k2)).subject());
    assertEquals(2, https.requests());

    // Made-up kids cannot make the server hammer the identity provider.
    for (int i = 0; i < 50; i++) {
      ECKey madeUp = TestKeys.ec("made-up-" + i);
      assertThrows(TokenRejectedException.class, () -> verifier.verify(token(madeUp)));
    }
    assertEquals(2, https.requests());
    advance(Duration.ofSeconds(31));
    assertThrows(
        TokenRejectedException.class, () -> verifier.verify(token(TestKeys.ec("made-up-again"))));
    assertEquals(3, https.requests());
  }

  @Test
  void staleKeysAreRefetchedInTheBackgroundAfterMaxAge() throws Exception {
    https.serve(200, jwks(k1), "public, max-age=120");
    JwksUrlSource keys = open(JwksUrlSource.Settings.defaults());
    JWKSet first = keys.current();
    advance(Duration.ofSeconds(119));
    assertThat(keys.current()).isSameAs(first);
    Thread.sleep(100);
    assertEquals(1, https.requests());

    https.serve(200, jwks(k1, k2), "max-age=600");
    advance(Duration.ofSeconds(2));
    assertThat(keys.current()).as("stale keys are served while the refetch runs").isSameAs(first);
    await().atMost(Duration.ofSeconds(10)).until(() -> keys.current().getKeyByKeyId("k2") != null);
    assertEquals(2, https.requests());

    // An unchanged document keeps the same instance, so the verifier keeps its cache.
    JWKSet second = keys.current();
    advance(Duration.ofSeconds(601));
    keys.current();
    await().atMost(Duration.ofSeconds(10)).until(() -> keys.staleAtNanos() > nanos.get());
    assertEquals(3, https.requests());
    assertThat(keys.current()).isSameAs(second);
  }

  @Test
  void aFailedRefetchKeepsTheLastGoodKeys() throws Exception {
    JwksUrlSource keys = open(JwksUrlSource.Settings.defaults());
    JwtTokenVerifier verifier = new JwtTokenVerifier(keys, JwtSettings.defaults());
    String token = token(k1);

    for (String[] broken :
        new String[][] {
          {"500", "oops"},
          {"200", "not json"},
          {"200", "{\"keys\":[]}"},
          {"200", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}"}
        }) {
      https.serve(Integer.parseInt(broken[0]), broken[1], null);
      long failures = keys.failures();
      advance(Duration.ofMinutes(6));
      keys.current();
      await().atMost(Duration.ofSeconds(10)).until(() -> keys.failures() == failures + 1);
      assertEquals("alice", verifier.verify(token).subject(), broken[1]);
    }

    // The retry after a failure comes after failureRetryInterval (30 s), then succeeds.
    https.serve(200, jwks(k2), null);
    advance(Duration.ofSeconds(31));
    keys.current();
    await().atMost(Duration.ofSeconds(10)).until(() -> keys.current().getKeyByKeyId("k2") != null);
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token(k1))).reason());
  }

  @Test
  void theFirstFetchMustSucceed() throws Exception {
    https.serve(503, "down", null);
    IOException down =
        assertThrows(IOException.class, () -> open(JwksUrlSource.Settings.defaults()));
    assertThat(down).hasMessage("JWKS " + https.uri() + " answered HTTP 503");

    https.serve(200, jwks(k1), null);
    IOException untrusted =
        assertThrows(
            IOException.class,
            () ->
                JwksUrlSource.open(
                    https.uri(), JwksTrust.jdkDefault(), JwksUrlSource.Settings.defaults()));
    assertThat(untrusted.getMessage())
        .startsWith("JWKS " + https.uri() + " cannot be fetched: SSLHandshakeException");

    assertThrows(
        IllegalArgumentException.class,
        () ->
            JwksUrlSource.open(
                URI.create("http://localhost/jwks.json"),
                JwksTrust.jdkDefault(),
                JwksUrlSource.Settings.defaults()));
  }

  @Test
  void aSlowServerTimesOut() {
    https.delay(5_000);
    JwksUrlSource.Settings quick =
        new JwksUrlSource.Settings(
            Duration.ofMillis(300),
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            Duration.ofHours(24),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            1 << 20);
    IOException e = assertThrows(IOException.class, () -> open(quick));
    assertThat(e.getMessage())
        .satisfiesAnyOf(
            m -> assertThat(m).isEqualTo("JWKS " + https.uri() + " did not answer within PT0.3S"),
            m -> assertThat(m).containsPattern("Http(Connect)?TimeoutException"));
  }

  @Test
  void anOversizedDocumentIsRefused() {
    https.serve(200, jwks(k1) + " ".repeat(5000), null);
    JwksUrlSource.Settings small =
        new JwksUrlSource.Settings(
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            Duration.ofHours(24),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            1000);
    IOException e = assertThrows(IOException.class, () -> open(small));
    assertThat(e.getMessage()).contains("response body longer than 1000 bytes");
  }

  @Test
  void cacheControlMaxAgeIsClampedToTheBounds() {
    JwksUrlSource.Settings s = JwksUrlSource.Settings.defaults();
    assertEquals(Duration.ofMinutes(5), JwksUrlSource.maxAge(Optional.empty(), s));
    assertEquals(
        Duration.ofMinutes(10), JwksUrlSource.maxAge(Optional.of("public, max-age=600"), s));
    assertEquals(Duration.ofSeconds(30), JwksUrlSource.maxAge(Optional.of("max-age=1"), s));
    assertEquals(Duration.ofHours(24), JwksUrlSource.maxAge(Optional.of("max-age=31536000"), s));
    assertEquals(Duration.ofSeconds(30), JwksUrlSource.maxAge(Optional.of("no-store"), s));
    assertEquals(Duration.ofMinutes(5), JwksUrlSource.maxAge(Optional.of("max-age=soon"), s));
  }

  @Test
  void aMeshServerVerifiesTokensWithKeysFromAnHttpsUrl() throws Exception {
    MeshTestServer.Pki pki = MeshTestServer.Pki.create(Files.createDirectories(dir.resolve("pki")));
    List<String> args = new ArrayList<>(pki.tlsArgs());
    args.add("--auth.jwt.jwks=" + https.uri());
    args.add("--auth.jwt.jwks-ca=" + https.caFile());
    try (MeshTestServer server = MeshTestServer.start(dir, args)) {
      var channel = server.channel(pki.client());
      assertThat(
              MeshTestServer.unary(
                  channel,
                  "Bearer "
                      + TestTokens.sign(
                          k1, TestTokens.claims(Instant.now()).claim("scope", "read").build())))
          .isEqualTo("alice|" + MeshTestServer.CLIENT_ID);
    }
  }
}
