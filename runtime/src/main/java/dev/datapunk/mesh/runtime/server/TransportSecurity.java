package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.TlsSettings;
import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.tls.AllowedIdentities;
import dev.datapunk.mesh.runtime.tls.DevPki;
import dev.datapunk.mesh.runtime.tls.ServerTls;
import dev.datapunk.mesh.runtime.tls.ServerTlsConfig;
import dev.datapunk.mesh.runtime.tls.TlsMaterialException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The transport security of the gRPC port from {@code tls.*}: the server's credentials (with the
 * development PKI under {@code dev.dir} when no files are configured) and the client identities
 * allowed to call.
 */
final class TransportSecurity {

  private static final Logger log = MeshLoggers.getLogger(TransportSecurity.class);

  private TransportSecurity() {}

  /**
   * Starts the credentials for {@code tls.mode}; certificate files are re-read on {@code files}'
   * thread.
   */
  static ServerTls start(MeshConfig config, FileWatcher files, MeterRegistry registry)
      throws StartupException {
    TlsSettings tls = config.tls();
    ServerTlsConfig tlsConfig =
        switch (tls.mode()) {
          case PLAINTEXT -> ServerTlsConfig.plaintext();
          case TLS -> {
            Material material = material(tls, config.devDir(), false);
            yield ServerTlsConfig.tls(material.cert, material.key);
          }
          case MTLS -> {
            Material material = material(tls, config.devDir(), true);
            yield ServerTlsConfig.mtls(material.cert, material.key, material.ca);
          }
        };
    try {
      return ServerTls.start(tlsConfig.withListener(FileReloadMeters.tls(registry)), files);
    } catch (TlsMaterialException e) {
      throw new StartupException("tls: " + e.getMessage(), e);
    }
  }

  /**
   * The client identities of {@code tls.allowed-identities}.
   *
   * @throws ConfigException naming the key when an entry is not an identity
   */
  static AllowedIdentities allowedIdentities(MeshConfig config) {
    try {
      AllowedIdentities allowed = AllowedIdentities.of(config.tls().allowedIdentities());
      if (!allowed.allowsAll()) {
        log.info(
            "tls.allowed-identities: only client identities {} may call this server",
            allowed.entries());
      }
      return allowed;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.TLS_ALLOWED_IDENTITIES + ": " + e.getMessage());
    }
  }

  private record Material(Path cert, Path key, Path ca) {}

  /** The configured PEM files, or the development PKI when none is configured. */
  private static Material material(TlsSettings tls, Path devDir, boolean needsCa)
      throws StartupException {
    Optional<Path> cert = tls.cert();
    Optional<Path> key = tls.key();
    Optional<Path> ca = tls.ca();
    if (cert.isEmpty() && key.isEmpty() && ca.isEmpty()) {
      try {
        DevPki.Material dev = DevPki.ensure(devDir);
        log.warn(
            "tls.cert, tls.key and tls.ca are unset: using the DEVELOPMENT PKI in {}, not for"
                + " production",
            dev.caCert().getParent());
        return new Material(dev.serverCert(), dev.serverKey(), dev.caCert());
      } catch (IOException e) {
        throw new StartupException(
            "dev.dir: cannot create the development PKI in " + devDir + ": " + e.getMessage(), e);
      }
    }
    if (cert.isEmpty() || key.isEmpty() || (needsCa && ca.isEmpty())) {
      throw new StartupException(
          "tls.cert, tls.key"
              + (needsCa ? " and tls.ca" : "")
              + " must be set together (tls.mode="
              + tls.mode().name().toLowerCase(Locale.ROOT)
              + "); leave all unset to use the development PKI");
    }
    return new Material(cert.get(), key.get(), ca.orElse(null));
  }
}
