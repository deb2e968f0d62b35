package dev.datapunk.mesh.runtime.client;

import dev.datapunk.mesh.runtime.config.ClientSettings;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.tls.ChannelTlsConfig;
import dev.datapunk.mesh.runtime.tls.DevPki;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The certificate, key and CA files of a client: the server's own ({@code tls.cert}, {@code
 * tls.key}, {@code tls.ca}), so a mesh process has one identity whichever way it talks, or, when
 * none of the three is set, the development PKI's client certificate ({@value DevPki#CLIENT_IDENTITY})
 * and CA under {@code dev.dir}. Without {@code tls.ca} the server is checked against the JDK's CAs.
 */
final class ClientTlsFiles {

  private ClientTlsFiles() {}

  /**
   * What the channel of {@code client} presents and trusts.
   *
   * @throws ConfigException naming the keys when mutual TLS has no certificate to present
   * @throws IllegalStateException when the development PKI cannot be created
   */
  static ChannelTlsConfig of(ClientSettings client, MeshConfig config) {
    ChannelTlsConfig tls = switch (client.tlsMode()) {
      case PLAINTEXT -> ChannelTlsConfig.plaintext();
      case TLS -> ChannelTlsConfig.tls(ca(config));
      case MTLS -> mutual(client, config);
    };
    return client.serverIdentity().map(tls::withServerIdentity).orElse(tls);
  }

  private static ChannelTlsConfig mutual(ClientSettings client, MeshConfig config) {
    Optional<Path> cert = config.get(ConfigKeys.TLS_CERT);
    Optional<Path> key = config.get(ConfigKeys.TLS_KEY);
    if (usesDevelopmentPki(config)) {
      DevPki.Material dev = devPki(config);
      return ChannelTlsConfig.mtls(dev.clientCert(), dev.clientKey(), dev.caCert());
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw new ConfigException("client." + client.name() + ".tls-mode is mtls but " + ConfigKeys.TLS_CERT + " and "
          + ConfigKeys.TLS_KEY + " are not both set: the client presents the server's certificate (with the"
          + " extended key usage clientAuth); set both, or none of tls.cert, tls.key and tls.ca for the development"
          + " PKI");
    }
    return ChannelTlsConfig.mtls(cert.get(), key.get(), config.get(ConfigKeys.TLS_CA).orElse(null));
  }

  private static Path ca(MeshConfig config) {
    return usesDevelopmentPki(config) ? devPki(config).caCert() : config.get(ConfigKeys.TLS_CA).orElse(null);
  }

  private static boolean usesDevelopmentPki(MeshConfig config) {
    return config.get(ConfigKeys.TLS_CERT).isEmpty() && config.get(ConfigKeys.TLS_KEY).isEmpty()
        && config.get(ConfigKeys.TLS_CA).isEmpty();
  }

  private static DevPki.Material devPki(MeshConfig config) {
    try {
      return DevPki.ensure(config.devDir());
    } catch (IOException e) {
      throw new IllegalStateException(
          "dev.dir: cannot create the development PKI in " + config.devDir() + ": " + e.getMessage(), e);
    }
  }
}
