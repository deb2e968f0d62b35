package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.JwksLocation;
import dev.datapunk.mesh.runtime.config.JwksSettings;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.JwkSetSource;
import dev.datapunk.mesh.runtime.security.jwt.JwksFileSource;
import dev.datapunk.mesh.runtime.security.jwt.JwksTrust;
import dev.datapunk.mesh.runtime.security.jwt.JwksUrlSource;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;

/**
 * The token verifier from {@code auth.jwt.*}: its signing keys come from the development signing
 * key under {@code dev.dir} (when {@code auth.jwt.jwks} is unset), a JWKS file re-read on the file
 * watcher's thread, or an https JWKS URL.
 */
final class TokenVerifiers {

  private static final Logger log = MeshLoggers.getLogger(TokenVerifiers.class);

  private TokenVerifiers() {}

  /**
   * @param closeOnShutdown takes what must be closed with the server (the JWKS URL's client)
   * @param devTokenCommand how to mint a token with the dev key, for the log ({@link DevTokenHint})
   */
  static JwtTokenVerifier create(
      MeshConfig config,
      FileWatcher files,
      MeterRegistry registry,
      Consumer<AutoCloseable> closeOnShutdown,
      String devTokenCommand)
      throws StartupException {
    return new JwtTokenVerifier(
        keySource(config, files, registry, closeOnShutdown, devTokenCommand), config.jwt());
  }

  /** The token signing keys: the dev key, a JWKS file or an https JWKS URL. */
  private static JwkSetSource keySource(
      MeshConfig config,
      FileWatcher files,
      MeterRegistry registry,
      Consumer<AutoCloseable> closeOnShutdown,
      String devTokenCommand)
      throws StartupException {
    JwksSettings jwks = config.jwks();
    Optional<JwksLocation> location = jwks.location();
    if (location.isPresent() && location.get() instanceof JwksLocation.Url url) {
      JwksUrlSource source = urlSource(url, jwks);
      closeOnShutdown.accept(source);
      return source;
    }
    Path jwksFile;
    if (location.isEmpty()) {
      try {
        DevSigningKey dev = DevSigningKey.ensure(config.devDir());
        jwksFile = dev.jwksFile();
        log.warn(
            "Verifying tokens with the DEVELOPMENT signing key {} ({}): not for production; set"
                + " auth.jwt.jwks. Mint a dev token by running this program with: {}",
            dev.keyFile(),
            dev.created() ? "created now" : "reused",
            devTokenCommand);
      } catch (IOException e) {
        throw new StartupException(
            "dev.dir: cannot create the development signing key in "
                + config.devDir()
                + ": "
                + e.getMessage(),
            e);
      }
    } else {
      jwksFile = ((JwksLocation.File) location.get()).path();
    }
    try {
      JwksFileSource source = JwksFileSource.openForWatcher(jwksFile);
      files.watch("JWKS file " + jwksFile, source::checkForChange);
      FileReloadMeters.jwks(registry, source);
      return source;
    } catch (IOException e) {
      throw new StartupException(
          "auth.jwt.jwks: cannot read " + jwksFile + ": " + e.getMessage(), e);
    }
  }

  private static JwksUrlSource urlSource(JwksLocation.Url url, JwksSettings jwks)
      throws StartupException {
    SSLContext trust;
    if (jwks.ca().isPresent()) {
      try {
        trust = JwksTrust.fromCaFile(jwks.ca().get());
      } catch (IOException e) {
        throw new StartupException("auth.jwt.jwks-ca: " + e.getMessage(), e);
      }
    } else {
      trust = JwksTrust.jdkDefault();
    }
    try {
      return JwksUrlSource.open(url.uri(), trust, JwksUrlSource.Settings.defaults());
    } catch (IOException e) {
      throw new StartupException("auth.jwt.jwks: " + e.getMessage(), e);
    }
  }
}
