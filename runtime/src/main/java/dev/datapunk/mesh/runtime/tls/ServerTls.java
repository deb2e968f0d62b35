package dev.datapunk.mesh.runtime.tls;

import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import java.security.cert.CertificateException;
import java.time.Clock;
import org.slf4j.Logger;

/**
 * The server's transport credentials for one {@link TlsMode}, kept current while the server runs.
 *
 * <p>In {@link TlsMode#TLS} and {@link TlsMode#MTLS} the certificate, key and (mTLS) CA files are
 * re-read every {@link ServerTlsConfig#reloadPeriod()}; a complete, valid change is used for every
 * connection accepted afterwards, while established connections keep the material they were opened
 * with. A change that does not parse, whose key does not match its certificate or whose certificate
 * has expired is logged as an error once and ignored; the previous material stays in use. Because a
 * certificate and its key are usually replaced one after the other, the first check may see a new
 * certificate with the old key: that is reported as a mismatch and resolves itself at the next
 * check once the key file is written. Write each file to a temporary name and rename it into place
 * so no check sees half a file.
 *
 * <p>In {@link TlsMode#MTLS} a client must present a certificate that chains to the CA file, is
 * within its validity period and carries the extended key usage {@code clientAuth}; otherwise the
 * handshake fails and the call never reaches a service (the client sees {@code UNAVAILABLE}).
 *
 * <p>The server does not name its accepted CAs in the TLS CertificateRequest (netty would fix that
 * list at start, so it would go stale when the CA file rotates); clients simply send their
 * certificate.
 *
 * <p>The files are checked on a {@link FileWatcher} thread: the server's shared one ({@link
 * #start(ServerTlsConfig, FileWatcher)}), or one of its own every {@link
 * ServerTlsConfig#reloadPeriod()}. Close it after the server has terminated to stop checking.
 */
public final class ServerTls implements AutoCloseable {

  private static final Logger log = MeshLoggers.getLogger("dev.datapunk.mesh.runtime.tls");

  private final TlsMode mode;
  private final ServerCredentials credentials;
  private final AutoCloseable stopChecking;

  private ServerTls(TlsMode mode, ServerCredentials credentials, AutoCloseable stopChecking) {
    this.mode = mode;
    this.credentials = credentials;
    this.stopChecking = stopChecking;
  }

  /**
   * Loads the files named by {@code config}, validates them and starts watching them for changes.
   *
   * @throws TlsMaterialException when a file is missing, unreadable or invalid, when the key does
   *     not belong to the certificate or when the certificate has expired; the message names the
   *     file
   */
  public static ServerTls start(ServerTlsConfig config) throws TlsMaterialException {
    return start(config, Clock.systemUTC());
  }

  /**
   * Like {@link #start(ServerTlsConfig)}, checking the files on {@code files}' thread (every {@link
   * FileWatcher#interval()}; {@link ServerTlsConfig#reloadPeriod()} is not used) instead of a
   * thread of its own.
   */
  public static ServerTls start(ServerTlsConfig config, FileWatcher files)
      throws TlsMaterialException {
    return start(config, Clock.systemUTC(), files);
  }

  static ServerTls start(ServerTlsConfig config, Clock clock) throws TlsMaterialException {
    if (config.mode() == TlsMode.PLAINTEXT) {
      return start(config, clock, null);
    }
    FileWatcher own = FileWatcher.start(config.reloadPeriod());
    try {
      ServerTls tls = start(config, clock, own);
      return new ServerTls(tls.mode, tls.credentials, own);
    } catch (TlsMaterialException | RuntimeException e) {
      own.close();
      throw e;
    }
  }

  private static ServerTls start(ServerTlsConfig config, Clock clock, FileWatcher files)
      throws TlsMaterialException {
    if (config.mode() == TlsMode.PLAINTEXT) {
      log.warn(
          "tls.mode=plaintext: gRPC traffic is NOT encrypted and clients are NOT authenticated by"
              + " certificate; anyone on the network path can read and forge calls. Use only on a"
              + " trusted network or behind a TLS-terminating proxy.");
      return new ServerTls(TlsMode.PLAINTEXT, InsecureServerCredentials.create(), null);
    }
    boolean mutual = config.mode() == TlsMode.MTLS;
    AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
    AdvancedTlsX509TrustManager trustManager = mutual ? newClientTrustManager() : null;
    CredentialReloader reloader =
        new CredentialReloader(
            config.certChain(),
            config.privateKey(),
            mutual ? config.clientCa() : null,
            keyManager,
            trustManager,
            config.listener(),
            clock);
    reloader.loadInitial();

    TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder().keyManager(keyManager);
    if (mutual) {
      builder
          .trustManager(new UnadvertisedTrustManager(trustManager))
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    AutoCloseable registration =
        files.watch("TLS certificate files " + config.certChain(), reloader);
    log.info(
        "TLS mode {}: server certificate {}, key {}{}, checked for changes every {}",
        config.mode(),
        config.certChain(),
        config.privateKey(),
        mutual ? ", client CA " + config.clientCa() : "",
        files.interval());
    return new ServerTls(config.mode(), builder.build(), registration);
  }

  private static AdvancedTlsX509TrustManager newClientTrustManager() {
    try {
      // On the server side this verification mode checks the client's chain and validity (the
      // JDK PKIX trust manager); the extra verifier adds the clientAuth usage requirement.
      return AdvancedTlsX509TrustManager.newBuilder()
          .setVerification(Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
          .setSslSocketAndEnginePeerVerifier(new ClientCertificateUsageVerifier())
          .build();
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot create the client certificate trust manager", e);
    }
  }

  /** The mode these credentials implement. */
  public TlsMode mode() {
    return mode;
  }

  /** Credentials for {@code NettyServerBuilder.forAddress(address, credentials)}. */
  public ServerCredentials credentials() {
    return credentials;
  }

  /** Stops watching the files. Idempotent. Connections already open are not affected. */
  @Override
  public void close() {
    if (stopChecking != null) {
      try {
        stopChecking.close();
      } catch (Exception e) {
        log.warn("Failed to stop checking the TLS files", e);
      }
    }
  }
}
