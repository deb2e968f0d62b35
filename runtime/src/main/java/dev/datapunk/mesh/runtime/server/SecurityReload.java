package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ReloadTarget;
import dev.datapunk.mesh.runtime.security.AuditLog;
import dev.datapunk.mesh.runtime.security.PeerAllowList;
import dev.datapunk.mesh.runtime.security.jwt.JwtSettings;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import dev.datapunk.mesh.runtime.tls.AllowedIdentities;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where reloaded security values go: {@code tls.allowed-identities} to the server's {@link
 * PeerAllowList}, {@code auth.jwt.issuer}, {@code auth.jwt.audience} and {@code
 * auth.jwt.clock-skew} to the {@link JwtTokenVerifier} (its other settings stay as started), and
 * {@code auth.audit.allowed} to the {@link AuditLog}. Each takes effect for calls that start after
 * the swap.
 */
final class SecurityReload implements ReloadTarget {

  private final PeerAllowList allowList;
  private final JwtTokenVerifier verifier;
  private final AuditLog audit;
  private final Function<MeshConfig, AllowedIdentities> identities;

  /**
   * @param identities parses {@code tls.allowed-identities} of a configuration, throwing a {@link
   *     ConfigException} naming the key when it is invalid
   */
  SecurityReload(
      PeerAllowList allowList,
      JwtTokenVerifier verifier,
      AuditLog audit,
      Function<MeshConfig, AllowedIdentities> identities) {
    this.allowList = Objects.requireNonNull(allowList, "allowList");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.identities = Objects.requireNonNull(identities, "identities");
  }

  @Override
  public Runnable prepare(MeshConfig next) {
    AllowedIdentities allowed = identities.apply(next);
    JwtSettings current = verifier.settings();
    JwtSettings settings;
    try {
      JwtSettings reloaded = next.jwt();
      settings =
          current
              .withIssuer(reloaded.issuer())
              .withAudience(reloaded.audience())
              .withClockSkew(reloaded.clockSkew());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("auth.jwt: " + e.getMessage());
    }
    boolean auditAllowed = next.auditAllowed();
    boolean allowListChanged = !allowed.entries().equals(allowList.current().entries());
    return () -> {
      if (allowListChanged) {
        allowList.update(allowed);
      }
      if (!settings.equals(verifier.settings())) {
        verifier.updateSettings(settings);
      }
      audit.setAuditAllowed(auditAllowed);
    };
  }

  @Override
  public String toString() {
    return "SecurityReload["
        + ConfigKeys.TLS_ALLOWED_IDENTITIES
        + ", auth.jwt.*, "
        + ConfigKeys.AUTH_AUDIT_ALLOWED
        + "]";
  }
}
