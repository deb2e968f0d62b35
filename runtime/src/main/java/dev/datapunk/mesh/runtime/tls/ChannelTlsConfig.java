package dev.datapunk.mesh.runtime.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link ChannelTls#start} needs: how a client channel secures its connections.
 *
 * @param mode the transport security mode
 * @param certChain PEM client certificate chain, leaf first; required for {@link TlsMode#MTLS},
 *     ignored otherwise
 * @param privateKey PEM PKCS#8 private key of the leaf; goes with {@code certChain}
 * @param ca PEM CA certificates the server's certificate must chain to; null trusts the JDK's
 *     default CAs; ignored for {@link TlsMode#PLAINTEXT}
 * @param serverIdentity the identity ({@link PeerIdentity}) the server's certificate must prove,
 *     checked instead of the host name; null checks the host name of the channel's authority
 */
public record ChannelTlsConfig(
    TlsMode mode, Path certChain, Path privateKey, Path ca, String serverIdentity) {

  public ChannelTlsConfig {
    Objects.requireNonNull(mode, "mode");
    if (mode == TlsMode.MTLS && (certChain == null || privateKey == null)) {
      throw new IllegalArgumentException("mutual TLS needs a client certificate and its key");
    }
    if (mode == TlsMode.PLAINTEXT && serverIdentity != null) {
      throw new IllegalArgumentException("without TLS the server proves no identity");
    }
  }

  /** Mutual TLS: presents {@code certChain}, trusts {@code ca} (null: the JDK's CAs). */
  public static ChannelTlsConfig mtls(Path certChain, Path privateKey, Path ca) {
    return new ChannelTlsConfig(TlsMode.MTLS, certChain, privateKey, ca, null);
  }

  /** Server-authenticated TLS trusting {@code ca} (null: the JDK's CAs). */
  public static ChannelTlsConfig tls(Path ca) {
    return new ChannelTlsConfig(TlsMode.TLS, null, null, ca, null);
  }

  /** No TLS. */
  public static ChannelTlsConfig plaintext() {
    return new ChannelTlsConfig(TlsMode.PLAINTEXT, null, null, null, null);
  }

  /**
   * This configuration, requiring the server to prove {@code identity} instead of its host name.
   */
  public ChannelTlsConfig withServerIdentity(String identity) {
    return new ChannelTlsConfig(
        mode, certChain, privateKey, ca, Objects.requireNonNull(identity, "identity"));
  }
}
