package dev.datapunk.mesh.runtime.tls;

import dev.datapunk.mesh.runtime.files.FileWatcher;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import java.security.GeneralSecurityException;
import java.time.Clock;

/**
 * A client channel's transport credentials for one {@link TlsMode}, kept current while the channel
 * lives: the client certificate, its key and the CA file are re-read on a {@link FileWatcher}
 * thread, and a complete, valid change is used for every connection opened afterwards (as {@link
 * ServerTls} does for the server; an invalid change is logged once and ignored).
 *
 * <p>The server's certificate must chain to the CA file (or, without one, to a CA the JDK trusts)
 * and carry the host name of the channel's authority, or, when {@link
 * ChannelTlsConfig#serverIdentity()} is set, prove that identity instead (its SPIFFE ID, else its
 * subject common name): SPIFFE certificates name workloads, not hosts. Either check runs inside the
 * handshake, so a server that fails it never receives a request or its headers.
 */
public final class ChannelTls implements AutoCloseable {

  private final ChannelCredentials credentials;
  private final AutoCloseable stopChecking;

  private ChannelTls(ChannelCredentials credentials, AutoCloseable stopChecking) {
    this.credentials = credentials;
    this.stopChecking = stopChecking;
  }

  /**
   * Loads and validates the files of {@code config} and checks them for changes on {@code files}'
   * thread until {@link #close()}.
   *
   * @throws TlsMaterialException when a file is missing, unreadable or invalid, when the key does
   *     not belong to the certificate or when the certificate has expired; the message names the
   *     file
   */
  public static ChannelTls start(ChannelTlsConfig config, FileWatcher files)
      throws TlsMaterialException {
    if (config.mode() == TlsMode.PLAINTEXT) {
      return new ChannelTls(InsecureChannelCredentials.create(), null);
    }
    boolean mutual = config.mode() == TlsMode.MTLS;
    AdvancedTlsX509KeyManager keyManager = mutual ? new AdvancedTlsX509KeyManager() : null;
    AdvancedTlsX509TrustManager trustManager = serverTrustManager(config);
    CredentialReloader reloader =
        new CredentialReloader(
            CredentialReloader.Side.CLIENT,
            mutual ? config.certChain() : null,
            mutual ? config.privateKey() : null,
            config.ca(),
            keyManager,
            config.ca() == null ? null : trustManager,
            TlsReloadListener.NONE,
            Clock.systemUTC());
    reloader.loadInitial();
    TlsChannelCredentials.Builder builder =
        TlsChannelCredentials.newBuilder().trustManager(trustManager);
    if (mutual) {
      builder.keyManager(keyManager);
    }
    AutoCloseable registration =
        mutual || config.ca() != null
            ? files.watch(
                "TLS client files " + (mutual ? config.certChain() : config.ca()), reloader)
            : null;
    return new ChannelTls(builder.build(), registration);
  }

  private static AdvancedTlsX509TrustManager serverTrustManager(ChannelTlsConfig config) {
    try {
      AdvancedTlsX509TrustManager.Builder builder = AdvancedTlsX509TrustManager.newBuilder();
      if (config.serverIdentity() == null) {
        builder.setVerification(Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION);
      } else {
        builder
            .setVerification(Verification.CERTIFICATE_ONLY_VERIFICATION)
            .setSslSocketAndEnginePeerVerifier(new ExpectedServerIdentity(config.serverIdentity()));
      }
      AdvancedTlsX509TrustManager trustManager = builder.build();
      if (config.ca() == null) {
        trustManager.useSystemDefaultTrustCerts();
      }
      return trustManager;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot build a trust manager for server certificates: " + e.getMessage(), e);
    }
  }

  /** Credentials for {@code Grpc.newChannelBuilder(target, credentials)}. */
  public ChannelCredentials credentials() {
    return credentials;
  }

  /** Stops checking the files. Idempotent. Connections already open keep their material. */
  @Override
  public void close() {
    if (stopChecking != null) {
      try {
        stopChecking.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop checking the TLS client files", e);
      }
    }
  }
}
