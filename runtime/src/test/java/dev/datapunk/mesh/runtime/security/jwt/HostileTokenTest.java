package dev.datapunk.mesh.runtime.security.jwt;

import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.ALGORITHM_NOT_ALLOWED;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.BAD_SIGNATURE;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.EXPIRED;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.MALFORMED;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.MISSING;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.NOT_YET_VALID;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.TOO_LARGE;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.UNKNOWN_KEY;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.WRONG_AUDIENCE;
import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.WRONG_ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A corpus of hostile and broken tokens, each rejected for its exact reason. */
class HostileTokenTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "inventory";

  static RSAKey rsa;
  static ECKey ec;
  static ECKey impostorWithSameKid;
  static JwtTokenVerifier verifier;

  @BeforeAll
  static void keys() {
    rsa = TestKeys.rsa("rsa-1");
    ec = TestKeys.ec("ec-1");
    impostorWithSameKid = TestKeys.ec("ec-1");
    JWKSet keys = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()));
    JwtSettings settings =
        JwtSettings.defaults().withIssuer(Optional.of(ISSUER)).withAudience(Optional.of(AUDIENCE));
    verifier = new JwtTokenVerifier(() -> keys, settings, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** Claims that pass every check of the verifier. */
  static JWTClaimsSet.Builder good() {
    return TestTokens.claims(NOW).issuer(ISSUER).audience(AUDIENCE);
  }

  static String valid() {
    return TestTokens.sign(ec, good().build());
  }

  static Stream<Arguments> corpus() throws JOSEException {
    String valid = valid();
    String[] parts = valid.split("\\.", -1);
    String payloadJson = good().build().toString();
    byte[] rsaPublicBytes = rsa.toRSAPublicKey().getEncoded();
    byte[] ecPublicBytes = ec.toECPublicKey().getEncoded();
    return Stream.of(
        Arguments.of(
            "alg none, empty signature",
            TestTokens.raw("{\"alg\":\"none\"}", payloadJson, new byte[0]),
            ALGORITHM_NOT_ALLOWED),
        Arguments.of(
            "alg none with kid and a signature",
            TestTokens.raw("{\"alg\":\"none\",\"kid\":\"ec-1\"}", payloadJson, new byte[64]),
            ALGORITHM_NOT_ALLOWED),
        Arguments.of(
            "alg None (case)",
            TestTokens.raw("{\"alg\":\"None\"}", payloadJson, new byte[0]),
            ALGORITHM_NOT_ALLOWED),
        Arguments.of(
            "HS256 keyed with the RSA public key",
            TestTokens.signHs256(rsaPublicBytes, "rsa-1", good().build()),
            ALGORITHM_NOT_ALLOWED),
        Arguments.of(
            "HS256 keyed with the EC public key",
            TestTokens.signHs256(ecPublicBytes, "ec-1", good().build()),
            ALGORITHM_NOT_ALLOWED),
        Arguments.of(
            "ES384, not on the allow-list",
            TestTokens.raw("{\"alg\":\"ES384\",\"kid\":\"ec-1\"}", payloadJson, new byte[96]),
            ALGORITHM_NOT_ALLOWED),
        Arguments.of(
            "alg not a string",
            TestTokens.raw("{\"alg\":256}", payloadJson, new byte[64]),
            MALFORMED),
        Arguments.of(
            "no alg", TestTokens.raw("{\"kid\":\"ec-1\"}", payloadJson, new byte[64]), MALFORMED),
        Arguments.of(
            "expired",
            TestTokens.sign(ec, good().expirationTime(Date.from(NOW.minusSeconds(61))).build()),
            EXPIRED),
        Arguments.of("no exp", TestTokens.sign(ec, good().expirationTime(null).build()), EXPIRED),
        Arguments.of(
            "nbf in the future",
            TestTokens.sign(ec, good().notBeforeTime(Date.from(NOW.plusSeconds(300))).build()),
            NOT_YET_VALID),
        Arguments.of(
            "wrong iss",
            TestTokens.sign(ec, good().issuer("https://evil.test").build()),
            WRONG_ISSUER),
        Arguments.of("no iss", TestTokens.sign(ec, good().issuer(null).build()), WRONG_ISSUER),
        Arguments.of(
            "wrong aud", TestTokens.sign(ec, good().audience("billing").build()), WRONG_AUDIENCE),
        Arguments.of(
            "no aud", TestTokens.sign(ec, good().audience((String) null).build()), WRONG_AUDIENCE),
        Arguments.of(
            "signed by another key with the same kid",
            TestTokens.sign(impostorWithSameKid, good().build()),
            BAD_SIGNATURE),
        Arguments.of(
            "payload swapped under a valid signature",
            parts[0] + "." + TestTokens.b64(payloadJson.replace("alice", "admin")) + "." + parts[2],
            BAD_SIGNATURE),
        Arguments.of(
            "empty signature, allowed alg", parts[0] + "." + parts[1] + ".", BAD_SIGNATURE),
        Arguments.of(
            "unknown kid", TestTokens.sign(TestKeys.ec("ec-404"), good().build()), UNKNOWN_KEY),
        Arguments.of(
            "RS256 naming the EC key's kid",
            TestTokens.raw("{\"alg\":\"RS256\",\"kid\":\"ec-1\"}", payloadJson, new byte[256]),
            UNKNOWN_KEY),
        Arguments.of(
            "truncated inside the signature",
            valid.substring(0, valid.length() - 8),
            BAD_SIGNATURE),
        Arguments.of(
            "truncated inside the payload",
            valid.substring(0, parts[0].length() + 1 + parts[1].length() / 2),
            MALFORMED),
        Arguments.of("2 segments", parts[0] + "." + parts[1], MALFORMED),
        Arguments.of("4 segments", valid + "." + parts[2], MALFORMED),
        Arguments.of("empty header segment", "." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of(
            "invalid base64 character",
            parts[0]
                + "."
                + parts[1].substring(0, 8)
                + "*"
                + parts[1].substring(9)
                + "."
                + parts[2],
            MALFORMED),
        Arguments.of(
            "standard base64 alphabet (+/)",
            parts[0]
                + "."
                + parts[1].substring(0, 8)
                + "+/"
                + parts[1].substring(10)
                + "."
                + parts[2],
            MALFORMED),
        Arguments.of("base64 padding", parts[0] + "==." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of(
            "impossible base64 length",
            parts[0] + "." + parts[1] + "." + parts[2] + "AAA",
            MALFORMED),
        Arguments.of("a 64 KiB token", "e".repeat(64 * 1024), TOO_LARGE),
        Arguments.of(
            "garbage JSON header",
            TestTokens.b64("{\"alg\":\"ES256\",") + "." + parts[1] + "." + parts[2],
            MALFORMED),
        Arguments.of(
            "header is a JSON array",
            TestTokens.b64("[\"ES256\"]") + "." + parts[1] + "." + parts[2],
            MALFORMED),
        Arguments.of("header is binary", "_-_-_-_-" + "." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of(
            "crit header",
            TestTokens.sign(
                ec,
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .keyID("ec-1")
                    .criticalParams(Set.of("exp-ext"))
                    .customParam("exp-ext", 1)
                    .build(),
                good().build()),
            MALFORMED),
        Arguments.of("validly signed garbage payload", signedPayload("{\"sub\":"), MALFORMED),
        Arguments.of("validly signed non-object payload", signedPayload("[1,2]"), MALFORMED),
        Arguments.of(
            "scope claim of the wrong type",
            TestTokens.sign(ec, good().claim("scope", 42).build()),
            MALFORMED),
        Arguments.of(
            "scp array with a non-string",
            TestTokens.sign(ec, good().claim("scope", null).claim("scp", List.of("a", 1)).build()),
            MALFORMED),
        Arguments.of(
            "exp not a number",
            TestTokens.sign(ec, good().expirationTime(null).claim("exp", "tomorrow").build()),
            MALFORMED),
        Arguments.of(
            "non-ASCII character",
            valid.substring(0, 10) + "\u00e9" + valid.substring(11),
            MALFORMED),
        Arguments.of(
            "whitespace inside", valid.substring(0, 10) + " " + valid.substring(11), MALFORMED),
        Arguments.of("empty", "", MISSING));
  }

  private static String signedPayload(String payload) throws JOSEException {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), new Payload(payload));
    jws.sign(new ECDSASigner(ec));
    return jws.serialize();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("corpus")
  void rejectedForItsReason(String name, String token, Reason expected) {
    TokenRejectedException e =
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    assertEquals(expected, e.reason(), name);
    assertEquals(expected.description(), e.getMessage());
    assertFalse(e.getMessage().contains(token.isEmpty() ? "\u0000" : token));
  }

  @Test
  void nullTokenIsMissing() {
    TokenRejectedException e =
        assertThrows(TokenRejectedException.class, () -> verifier.verify(null));
    assertEquals(MISSING, e.reason());
  }

  @Test
  void theUntamperedTokenOfTheCorpusIsAccepted() throws TokenRejectedException {
    assertEquals("alice", verifier.verify(valid()).subject());
  }

  @Test
  void expiryWithinTheSkewIsAccepted() throws TokenRejectedException {
    String token =
        TestTokens.sign(ec, good().expirationTime(Date.from(NOW.minusSeconds(59))).build());
    assertEquals("alice", verifier.verify(token).subject());
  }

  @Test
  void notBeforeWithinTheSkewIsAccepted() throws TokenRejectedException {
    String token =
        TestTokens.sign(ec, good().notBeforeTime(Date.from(NOW.plusSeconds(59))).build());
    assertEquals("alice", verifier.verify(token).subject());
  }

  @Test
  void zeroSkewRejectsAJustExpiredToken() {
    JWKSet keys = new JWKSet(ec.toPublicJWK());
    JwtTokenVerifier strict =
        new JwtTokenVerifier(
            () -> keys,
            JwtSettings.defaults().withClockSkew(Duration.ZERO),
            Clock.fixed(NOW, ZoneOffset.UTC));
    String token = TestTokens.sign(ec, good().expirationTime(Date.from(NOW)).build());
    assertEquals(
        EXPIRED, assertThrows(TokenRejectedException.class, () -> strict.verify(token)).reason());
  }

  @Test
  void sizeLimitCountsTheWholeToken() throws TokenRejectedException {
    String token = valid();
    JWKSet keys = new JWKSet(ec.toPublicJWK());
    JwtSettings settings =
        JwtSettings.defaults().withIssuer(Optional.of(ISSUER)).withAudience(Optional.of(AUDIENCE));
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    JwtTokenVerifier exact =
        new JwtTokenVerifier(() -> keys, settings.withMaxTokenBytes(token.length()), clock);
    JwtTokenVerifier oneShort =
        new JwtTokenVerifier(() -> keys, settings.withMaxTokenBytes(token.length() - 1), clock);
    assertEquals("alice", exact.verify(token).subject());
    assertEquals(
        TOO_LARGE,
        assertThrows(TokenRejectedException.class, () -> oneShort.verify(token)).reason());
  }
}
