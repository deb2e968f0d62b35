package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints development bearer tokens signed (ES256) with the {@link DevSigningKey}. A token carries
 * {@code sub}, {@code scope}, {@code iat}, {@code exp}, a random {@code jti}, and {@code iss} /
 * {@code aud} when requested; its header names the key's {@code kid}.
 */
public final class DevTokens {

  private DevTokens() {}

  /** Mints a token valid from now for {@code request.lifetime()}, using the system clock. */
  public static String mint(DevSigningKey key, DevTokenRequest request) {
    return mint(key, request, Clock.systemUTC());
  }

  /**
   * Mints a token valid from {@code clock}'s now for {@code request.lifetime()}.
   *
   * @return the compact JWT
   */
  public static String mint(DevSigningKey key, DevTokenRequest request, Clock clock) {
    Objects.requireNonNull(key, "key");
    return mint(key.signingKey(), request, clock);
  }

  /**
   * Mints a token signed with {@code signingKey}, an EC P-256 private JWK with a {@code kid} (such
   * as {@link DevSigningKey#newSigningKey()}), valid from {@code clock}'s now for {@code
   * request.lifetime()}.
   *
   * @return the compact JWT
   */
  public static String mint(ECKey signingKey, DevTokenRequest request, Clock clock) {
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(request, "request");
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(request.subject())
            .claim("scope", String.join(" ", request.scopes()))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(request.lifetime())))
            .jwtID(UUID.randomUUID().toString());
    request.issuer().ifPresent(claims::issuer);
    request.audience().ifPresent(claims::audience);
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .keyID(signingKey.getKeyID())
            .type(JOSEObjectType.JWT)
            .build();
    SignedJWT jwt = new SignedJWT(header, claims.build());
    try {
      jwt.sign(new ECDSASigner(signingKey));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the token: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
