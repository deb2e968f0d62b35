package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.client.ClientSettings;
import dev.datapunk.mesh.runtime.client.MeshChannels;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.tls.DevPki;
import dev.datapunk.mesh.runtime.tls.TlsMode;
import io.grpc.ClientInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The mesh clients the configuration declares ({@code client.<name>.*}), as the server's own: they
 * present the server's certificate ({@code tls.cert}/{@code tls.key}, which then also needs the
 * extended key usage {@code clientAuth}) and trust {@code tls.ca}, or, with none of the three set,
 * the development PKI's client certificate and CA, so a process has one identity whichever way it
 * talks. Without {@code tls.ca} (and with {@code tls.cert}) the JDK's CAs are trusted.
 */
final class ConfiguredClients {

  private ConfiguredClients() {}

  /**
   * The channels of every configured client, metered in {@code registry}, their files checked on
   * {@code files}' thread, each call also through {@code interceptors} (the tracing one, when
   * tracing is on); empty when no client is configured.
   *
   * @throws ConfigException naming the keys when a client's settings are wrong
   * @throws IllegalStateException naming the key when a certificate or token file cannot be used
   */
  static Optional<MeshChannels> start(
      MeshConfig config,
      MeterRegistry registry,
      FileWatcher files,
      List<ClientInterceptor> interceptors) {
    Collection<ClientSettings> clients = config.clients().values();
    if (clients.isEmpty()) {
      return Optional.empty();
    }
    MeshChannels.Builder builder =
        MeshChannels.builder().meterRegistry(registry).fileWatcher(files);
    clients.forEach(builder::client);
    interceptors.forEach(builder::interceptor);
    if (clients.stream().anyMatch(client -> client.tlsMode() != TlsMode.PLAINTEXT)) {
      certificates(config, clients, builder);
    }
    try {
      return Optional.of(builder.build());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static void certificates(
      MeshConfig config, Collection<ClientSettings> clients, MeshChannels.Builder builder) {
    Optional<Path> cert = config.get(ConfigKeys.TLS_CERT);
    Optional<Path> key = config.get(ConfigKeys.TLS_KEY);
    Optional<Path> ca = config.get(ConfigKeys.TLS_CA);
    if (cert.isEmpty() && key.isEmpty() && ca.isEmpty()) {
      DevPki.Material dev;
      try {
        dev = DevPki.ensure(config.devDir());
      } catch (IOException e) {
        throw new IllegalStateException(
            "dev.dir: cannot create the development PKI in "
                + config.devDir()
                + ": "
                + e.getMessage(),
            e);
      }
      builder.identity(dev.clientCert(), dev.clientKey()).trust(dev.caCert());
      return;
    }
    if (cert.isPresent() && key.isPresent()) {
      builder.identity(cert.get(), key.get());
    } else {
      clients.stream()
          .filter(client -> client.tlsMode() == TlsMode.MTLS)
          .findFirst()
          .ifPresent(
              client -> {
                throw new ConfigException(
                    "client."
                        + client.name()
                        + ".tls-mode is mtls but "
                        + ConfigKeys.TLS_CERT
                        + " and "
                        + ConfigKeys.TLS_KEY
                        + " are not both set: a client presents the server's certificate; set"
                        + " both, or none of tls.cert, tls.key and tls.ca for the development PKI");
              });
    }
    ca.ifPresent(builder::trust);
  }
}
