package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_ALLOWED_IDENTITIES;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_CA;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_CERT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_KEY;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_MODE;

import dev.datapunk.mesh.runtime.tls.TlsMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Transport security of the gRPC port ({@code tls.*}).
 *
 * @param mode {@code tls.mode}
 * @param cert {@code tls.cert}; empty means the development certificate
 * @param key {@code tls.key}; empty means the development key
 * @param ca {@code tls.ca}; empty means the development CA
 * @param allowedIdentities {@code tls.allowed-identities}; empty allows every client with a trusted
 *     certificate
 */
public record TlsSettings(
    TlsMode mode,
    Optional<Path> cert,
    Optional<Path> key,
    Optional<Path> ca,
    List<String> allowedIdentities) {

  public TlsSettings {
    allowedIdentities = List.copyOf(allowedIdentities);
  }

  static TlsSettings of(MeshConfig config) {
    return new TlsSettings(
        config.get(TLS_MODE),
        config.get(TLS_CERT),
        config.get(TLS_KEY),
        config.get(TLS_CA),
        config.get(TLS_ALLOWED_IDENTITIES));
  }
}
