package dev.datapunk.mesh.test;

import com.nimbusds.jose.jwk.ECKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.security.jwt.JwtSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A bearer token for a {@link MeshTestServer}, signed with the key that server trusts. By default
 * it grants no scope, is issued at the test clock's now, lives {@link
 * MeshTestServer#DEFAULT_TOKEN_LIFETIME} and carries the {@code iss} and {@code aud} the server
 * requires ({@code auth.jwt.issuer}, {@code auth.jwt.audience}), if any.
 *
 * <pre>{@code
 * String shortLived = mesh.tokenFor("alice").scopes("inventory:read").validFor(Duration.ofMinutes(1)).mint();
 * mesh.clock().advance(Duration.ofMinutes(2));   // past exp and the verifier's clock skew (auth.jwt.clock-skew)
 * }</pre>
 */
public final class TokenBuilder {

  private final ECKey signingKey;
  private final Clock clock;
  private final String subject;
  private List<String> scopes = List.of();
  private Duration lifetime = MeshTestServer.DEFAULT_TOKEN_LIFETIME;
  private Instant issuedAt;
  private Optional<String> issuer;
  private Optional<String> audience;

  TokenBuilder(ECKey signingKey, Clock clock, JwtSettings settings, String subject) {
    this.signingKey = signingKey;
    this.clock = clock;
    this.subject = Objects.requireNonNull(subject, "subject");
    this.issuer = settings.issuer();
    this.audience = settings.audience();
  }

  /** The scopes the token grants (its {@code "scope"} claim). */
  public TokenBuilder scopes(String... scopes) {
    this.scopes = List.of(scopes);
    return this;
  }

  /** From issue to {@code exp}; positive. */
  public TokenBuilder validFor(Duration lifetime) {
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    return this;
  }

  /**
   * The issue time ({@code iat}), from which the lifetime runs; the test clock's now unless set.
   */
  public TokenBuilder issuedAt(Instant issuedAt) {
    this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
    return this;
  }

  /** The {@code iss} claim, replacing the one the server requires. */
  public TokenBuilder issuer(String issuer) {
    this.issuer = Optional.of(issuer);
    return this;
  }

  /** The {@code aud} claim, replacing the one the server requires. */
  public TokenBuilder audience(String audience) {
    this.audience = Optional.of(audience);
    return this;
  }

  /**
   * The signed compact JWT.
   *
   * @throws IllegalArgumentException for a blank subject, a scope with whitespace or a lifetime
   *     that is not positive
   */
  public String mint() {
    Instant issued = issuedAt != null ? issuedAt : clock.instant();
    return DevTokens.mint(
        signingKey,
        new DevTokenRequest(subject, scopes, lifetime, issuer, audience),
        Clock.fixed(issued, ZoneOffset.UTC));
  }
}
