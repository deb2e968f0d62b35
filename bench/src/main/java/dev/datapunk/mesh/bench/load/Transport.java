package dev.datapunk.mesh.bench.load;

import dev.datapunk.mesh.runtime.tls.ClientTls;
import dev.datapunk.mesh.runtime.tls.DevPki;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How client and server talk in a load run: plaintext HTTP/2, or mutual TLS with the development
 * PKI of the run's working directory (the mesh server creates and reuses the same files).
 */
public enum Transport {

  /** h2c on loopback. */
  PLAINTEXT,
  /** TLS 1.3 with a client certificate, the mesh default. */
  MTLS;

  /** The value of the mesh's {@code tls.mode} key for this transport. */
  public String tlsMode() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code plaintext} or {@code mtls}. */
  public static Transport parse(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Client credentials: none, or the development client certificate from {@code devDir}. */
  public ChannelCredentials clientCredentials(Path devDir) throws IOException {
    return this == PLAINTEXT
        ? InsecureChannelCredentials.create()
        : ClientTls.devClient(DevPki.ensure(devDir));
  }

  /**
   * Server credentials for the bare server: none, or the development server certificate with a
   * client certificate required, chained to the development CA (what the mesh's mtls mode checks).
   */
  public ServerCredentials serverCredentials(Path devDir) throws IOException {
    if (this == PLAINTEXT) {
      return InsecureServerCredentials.create();
    }
    DevPki.Material dev = DevPki.ensure(devDir);
    return TlsServerCredentials.newBuilder()
        .keyManager(dev.serverCert().toFile(), dev.serverKey().toFile())
        .trustManager(dev.caCert().toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }
}
