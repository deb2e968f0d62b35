package dev.datapunk.mesh.runtime.security.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Well-formed tokens from each supported key type, and what they prove. */
class AcceptedTokenTest {

  static final Instant NOW = HostileTokenTest.NOW;
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static RSAKey rsa;
  static ECKey ec;
  static OctetKeyPair ed;
  static JwtTokenVerifier verifier;

  @BeforeAll
  static void keys() {
    rsa = TestKeys.rsa("rsa-1");
    ec = TestKeys.ec("ec-1");
    ed = TestKeys.ed25519("ed-1");
    JWKSet keys = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK(), ed.toPublicJWK()));
    verifier = new JwtTokenVerifier(() -> keys, JwtSettings.defaults(), CLOCK);
  }

  @Test
  void rs256IsAccepted() throws TokenRejectedException {
    VerifiedToken token = verifier.verify(TestTokens.sign(rsa, TestTokens.claims(NOW).build()));
    assertEquals("alice", token.subject());
    assertEquals(Set.of("a", "b"), token.scopes());
    assertEquals(NOW.plusSeconds(600), token.expiresAt());
  }

  @Test
  void es256IsAccepted() throws TokenRejectedException {
    assertEquals(
        "alice", verifier.verify(TestTokens.sign(ec, TestTokens.claims(NOW).build())).subject());
  }

  @Test
  void eddsaIsAccepted() throws TokenRejectedException {
    assertEquals(
        "alice", verifier.verify(TestTokens.sign(ed, TestTokens.claims(NOW).build())).subject());
  }

  @Test
  void eddsaSignatureByAnotherEd25519KeyIsRejected() {
    String forged = TestTokens.sign(TestKeys.ed25519("ed-1"), TestTokens.claims(NOW).build());
    assertEquals(
        Reason.BAD_SIGNATURE,
        assertThrows(TokenRejectedException.class, () -> verifier.verify(forged)).reason());
  }

  @Test
  void fullySpecifiedEd25519AlgorithmIsAcceptedWhenAllowed() throws TokenRejectedException {
    JWKSet keys = new JWKSet(ed.toPublicJWK());
    JwtTokenVerifier fully =
        new JwtTokenVerifier(
            () -> keys, JwtSettings.defaults().withAllowedAlgorithms(Set.of("Ed25519")), CLOCK);
    String token =
        TestTokens.sign(
            ed,
            new JWSHeader.Builder(JWSAlgorithm.Ed25519).keyID("ed-1").build(),
            TestTokens.claims(NOW).build());
    assertEquals("alice", fully.verify(token).subject());
    String eddsa = TestTokens.sign(ed, TestTokens.claims(NOW).build());
    assertEquals(
        Reason.ALGORITHM_NOT_ALLOWED,
        assertThrows(TokenRejectedException.class, () -> fully.verify(eddsa)).reason());
  }

  @Test
  void algorithmLeftOffTheAllowListIsRejectedEvenWithAGoodSignature() {
    JWKSet keys = new JWKSet(rsa.toPublicJWK());
    JwtTokenVerifier esOnly =
        new JwtTokenVerifier(
            () -> keys, JwtSettings.defaults().withAllowedAlgorithms(Set.of("ES256")), CLOCK);
    String token = TestTokens.sign(rsa, TestTokens.claims(NOW).build());
    assertEquals(
        Reason.ALGORITHM_NOT_ALLOWED,
        assertThrows(TokenRejectedException.class, () -> esOnly.verify(token)).reason());
  }

  @Test
  void scopesFromScpArray() throws TokenRejectedException {
    String token =
        TestTokens.sign(
            ec,
            TestTokens.claims(NOW)
                .claim("scope", null)
                .claim("scp", List.of("inventory:read", "inventory:write"))
                .build());
    assertEquals(Set.of("inventory:read", "inventory:write"), verifier.verify(token).scopes());
  }

  @Test
  void scopesFromScpString() throws TokenRejectedException {
    String token =
        TestTokens.sign(
            ec, TestTokens.claims(NOW).claim("scope", null).claim("scp", "x  y").build());
    assertEquals(Set.of("x", "y"), verifier.verify(token).scopes());
  }

  @Test
  void scopeWinsOverScpAndTheyAreNotMerged() throws TokenRejectedException {
    String token =
        TestTokens.sign(
            ec,
            TestTokens.claims(NOW)
                .claim("scope", "inventory:read")
                .claim("scp", List.of("admin"))
                .build());
    VerifiedToken verified = verifier.verify(token);
    assertEquals(Set.of("inventory:read"), verified.scopes());
    assertTrue(verified.hasAllScopes(Set.of("inventory:read")));
  }

  @Test
  void noScopeClaimMeansNoScopes() throws TokenRejectedException {
    String token = TestTokens.sign(ec, TestTokens.claims(NOW).claim("scope", null).build());
    assertEquals(Set.of(), verifier.verify(token).scopes());
  }

  @Test
  void claimsAreExposedInJsonFormAndUnmodifiable() throws TokenRejectedException {
    String token =
        TestTokens.sign(
            ec,
            TestTokens.claims(NOW)
                .claim("tenant", Map.of("id", "t1"))
                .claim("nothing", null)
                .build());
    Map<String, Object> claims = verifier.verify(token).claims();
    assertEquals(NOW.plusSeconds(600).getEpochSecond(), ((Number) claims.get("exp")).longValue());
    assertEquals("alice", claims.get("sub"));
    @SuppressWarnings("unchecked")
    Map<String, Object> tenant = (Map<String, Object>) claims.get("tenant");
    assertEquals("t1", tenant.get("id"));
    assertThrows(UnsupportedOperationException.class, () -> tenant.put("id", "t2"));
    assertTrue(!claims.containsKey("nothing"));
  }

  @Test
  void tokenWithoutSubjectHasAnEmptySubject() throws TokenRejectedException {
    assertEquals(
        "",
        verifier
            .verify(TestTokens.sign(ec, TestTokens.claims(NOW).subject(null).build()))
            .subject());
  }

  @Test
  void issuerAndAudienceAcceptedWhenTheyMatch() throws TokenRejectedException {
    JWKSet keys = new JWKSet(ec.toPublicJWK());
    JwtSettings settings =
        JwtSettings.defaults().withIssuer(Optional.of("iss-1")).withAudience(Optional.of("aud-2"));
    JwtTokenVerifier checking = new JwtTokenVerifier(() -> keys, settings, CLOCK);
    String token =
        TestTokens.sign(
            ec, TestTokens.claims(NOW).issuer("iss-1").audience(List.of("aud-1", "aud-2")).build());
    assertEquals("alice", checking.verify(token).subject());
  }

  @Test
  void tokenWithoutKidUsesTheOnlyKeyThatFits() throws TokenRejectedException {
    String token =
        TestTokens.sign(
            ec, new JWSHeader.Builder(JWSAlgorithm.ES256).build(), TestTokens.claims(NOW).build());
    assertEquals("alice", verifier.verify(token).subject());
  }

  @Test
  void tokenWithoutKidIsRejectedWhenSeveralKeysFit() {
    ECKey second = TestKeys.ec("ec-2");
    JWKSet keys = new JWKSet(List.of(ec.toPublicJWK(), second.toPublicJWK()));
    JwtTokenVerifier ambiguous = new JwtTokenVerifier(() -> keys, JwtSettings.defaults(), CLOCK);
    String token =
        TestTokens.sign(
            ec, new JWSHeader.Builder(JWSAlgorithm.ES256).build(), TestTokens.claims(NOW).build());
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(TokenRejectedException.class, () -> ambiguous.verify(token)).reason());
  }

  @Test
  void rsaKeysShorterThan2048BitsAreNeverUsed() {
    RSAKey weak = TestKeys.weakRsa("weak", 1024);
    JWKSet keys = new JWKSet(weak.toPublicJWK());
    JwtTokenVerifier withWeakKey = new JwtTokenVerifier(() -> keys, JwtSettings.defaults(), CLOCK);
    String token = TestTokens.sign(weak, TestTokens.claims(NOW).build());
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(TokenRejectedException.class, () -> withWeakKey.verify(token)).reason());
  }

  @Test
  void keyMarkedForEncryptionIsNotUsedForSignatures() {
    ECKey encryptionKey =
        new ECKey.Builder(ec.toPublicJWK()).keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).build();
    JWKSet keys = new JWKSet(encryptionKey);
    JwtTokenVerifier v = new JwtTokenVerifier(() -> keys, JwtSettings.defaults(), CLOCK);
    String token = TestTokens.sign(ec, TestTokens.claims(NOW).build());
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(TokenRejectedException.class, () -> v.verify(token)).reason());
  }

  @Test
  void sourceWithoutKeysMeansKeysUnavailable() {
    JwtTokenVerifier noKeys =
        new JwtTokenVerifier(
            () -> {
              throw new JwkSetUnavailableException("never fetched");
            },
            JwtSettings.defaults(),
            CLOCK);
    String token = TestTokens.sign(ec, TestTokens.claims(NOW).build());
    assertEquals(
        Reason.KEYS_UNAVAILABLE,
        assertThrows(TokenRejectedException.class, () -> noKeys.verify(token)).reason());
  }

  @Test
  void unknownKidAsksTheSourceToRefreshAndUsesTheRefreshedKeys() throws TokenRejectedException {
    ECKey rotated = TestKeys.ec("ec-new");
    JWKSet before = new JWKSet(ec.toPublicJWK());
    JWKSet after = new JWKSet(List.of(ec.toPublicJWK(), rotated.toPublicJWK()));
    List<String> refreshedFor = new java.util.ArrayList<>();
    JwkSetSource refreshing =
        new JwkSetSource() {
          private volatile JWKSet current = before;

          @Override
          public JWKSet current() {
            return current;
          }

          @Override
          public JWKSet refreshForUnknownKey(String keyId) {
            refreshedFor.add(keyId);
            current = after;
            return current;
          }
        };
    JwtTokenVerifier v = new JwtTokenVerifier(refreshing, JwtSettings.defaults(), CLOCK);
    assertEquals(
        "alice", v.verify(TestTokens.sign(rotated, TestTokens.claims(NOW).build())).subject());
    assertEquals(List.of("ec-new"), refreshedFor);
  }

  @Test
  void settingsRejectNoneHmacAndUnknownAlgorithms() {
    for (String alg : List.of("none", "HS256", "HS512", "ES256K", "RSA-OAEP")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> JwtSettings.defaults().withAllowedAlgorithms(Set.of(alg)));
      assertTrue(e.getMessage().contains("'" + alg + "'"), e.getMessage());
    }
  }
}
