package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_JWKS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_JWKS_CA;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the token signature keys come from ({@code auth.jwt.jwks}, {@code auth.jwt.jwks-ca}).
 *
 * @param location {@code auth.jwt.jwks}; empty means the development signing key
 * @param ca {@code auth.jwt.jwks-ca}; empty means the JDK's default trust store for an https JWKS
 *     URL
 */
public record JwksSettings(Optional<JwksLocation> location, Optional<Path> ca) {

  static JwksSettings of(MeshConfig config) {
    return new JwksSettings(config.get(AUTH_JWT_JWKS), config.get(AUTH_JWT_JWKS_CA));
  }
}
