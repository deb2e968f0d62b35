package dev.datapunk.mesh.runtime.tls;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Channel credentials for clients of a mesh server: tests, benchmarks and examples. Hostname
 * verification stays on, so connect with the host name the server certificate names (for the
 * development PKI: {@code localhost}, {@code 127.0.0.1} or {@code ::1}).
 */
public final class ClientTls {

  private ClientTls() {}

  /** Server-authenticated TLS trusting only the CAs in {@code caPem}; no client certificate. */
  public static ChannelCredentials trusting(Path caPem) throws IOException {
    return TlsChannelCredentials.newBuilder().trustManager(caPem.toFile()).build();
  }

  /**
   * Mutual TLS: trusts the CAs in {@code caPem} and presents {@code certChainPem} with its PKCS#8
   * key {@code keyPem}.
   */
  public static ChannelCredentials mutual(Path caPem, Path certChainPem, Path keyPem)
      throws IOException {
    return TlsChannelCredentials.newBuilder()
        .trustManager(caPem.toFile())
        .keyManager(certChainPem.toFile(), keyPem.toFile())
        .build();
  }

  /** Mutual TLS as the development client ({@code spiffe://mesh.dev/client}). */
  public static ChannelCredentials devClient(DevPki.Material dev) throws IOException {
    return mutual(dev.caCert(), dev.clientCert(), dev.clientKey());
  }
}
