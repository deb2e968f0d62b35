package dev.datapunk.mesh.runtime.tls;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * Keeps grpc's key and trust managers in step with the PEM files on disk.
 *
 * <p>Why not grpc's own {@code updateIdentityCredentialsFromFile}/{@code
 * updateTrustCredentialsFromFile} (checked in grpc-util 1.85.1): they enforce a minimum period of
 * one minute, reload the identity only when BOTH the key and the certificate file modification
 * times changed (a renewed certificate for the same key is never picked up), never check that the
 * key belongs to the certificate (a mismatched pair would be installed and every handshake would
 * fail), and report failures on java.util.logging. They do keep the previous material when a file
 * fails to parse. This class polls the file contents itself, validates a change completely (parse,
 * key matches certificate, not expired) and only then hands it to the managers' in-memory update
 * methods; anything invalid is logged once and the previous material stays.
 *
 * <p>Not thread-safe: {@link #loadInitial()} runs once before the periodic {@link #run()}, which a
 * single-threaded scheduler calls.
 */
final class CredentialReloader implements Runnable {

  private static final Logger log = MeshLoggers.getLogger("dev.datapunk.mesh.runtime.tls");

  /** Which end of a connection the material is for, so the log says what was reloaded. */
  enum Side {
    /** A server's certificate and the CA its clients' certificates chain to. */
    SERVER("server certificate", "client CA"),
    /** A client's certificate and the CA the server's certificate chains to. */
    CLIENT("client certificate", "server CA");

    private final String identity;
    private final String ca;

    Side(String identity, String ca) {
      this.identity = identity;
      this.ca = ca;
    }
  }

  private final Side side;
  private final Path certFile;
  private final Path keyFile;
  private final Path caFile;
  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509TrustManager trustManager;
  private final TlsReloadListener listener;
  private final Clock clock;

  private byte[] appliedCert;
  private byte[] appliedKey;
  private byte[] appliedCa;
  private String lastIdentityRejection;
  private String lastCaRejection;

  /**
   * A server's material.
   *
   * @param caFile and {@code trustManager} are null when clients are not authenticated
   */
  CredentialReloader(
      Path certFile,
      Path keyFile,
      Path caFile,
      AdvancedTlsX509KeyManager keyManager,
      AdvancedTlsX509TrustManager trustManager,
      TlsReloadListener listener,
      Clock clock) {
    this(
        Side.SERVER,
        Objects.requireNonNull(certFile),
        Objects.requireNonNull(keyFile),
        caFile,
        Objects.requireNonNull(keyManager),
        trustManager,
        listener,
        clock);
  }

  /**
   * Material for {@code side}: {@code certFile}, {@code keyFile} and {@code keyManager} are all
   * null when this end presents no certificate, {@code caFile} and {@code trustManager} both null
   * when it verifies the peer some other way.
   */
  CredentialReloader(
      Side side,
      Path certFile,
      Path keyFile,
      Path caFile,
      AdvancedTlsX509KeyManager keyManager,
      AdvancedTlsX509TrustManager trustManager,
      TlsReloadListener listener,
      Clock clock) {
    this.side = Objects.requireNonNull(side);
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.caFile = caFile;
    this.keyManager = keyManager;
    this.trustManager = trustManager;
    this.listener = Objects.requireNonNull(listener);
    this.clock = Objects.requireNonNull(clock);
    if ((caFile == null) != (trustManager == null)) {
      throw new IllegalArgumentException("caFile and trustManager go together");
    }
    if ((certFile == null) != (keyManager == null) || (certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("certFile, keyFile and keyManager go together");
    }
  }

  /** Loads the files for the first time; any problem is fatal. */
  void loadInitial() throws TlsMaterialException {
    if (certFile != null) {
      byte[] cert = Pem.read(certFile);
      byte[] key = Pem.read(keyFile);
      applyIdentity(ServerIdentity.parse(cert, certFile, key, keyFile, clock.instant()), cert, key);
    }
    if (caFile != null) {
      byte[] ca = Pem.read(caFile);
      applyCa(ClientCaBundle.parse(ca, caFile, clock.instant()), ca);
    }
  }

  /** One reload check. Never throws: an exception would cancel the periodic schedule. */
  @Override
  public void run() {
    try {
      if (certFile != null) {
        reloadIdentity();
      }
      if (caFile != null) {
        reloadCa();
      }
    } catch (RuntimeException e) {
      log.error("TLS reload failed unexpectedly; keeping the previous certificates", e);
    }
  }

  private void reloadIdentity() {
    byte[] cert;
    byte[] key;
    try {
      cert = Pem.read(certFile);
      key = Pem.read(keyFile);
    } catch (TlsMaterialException e) {
      lastIdentityRejection = reject(side.identity, e, lastIdentityRejection, 0);
      return;
    }
    if (Arrays.equals(cert, appliedCert) && Arrays.equals(key, appliedKey)) {
      lastIdentityRejection = null;
      return;
    }
    ServerIdentity identity;
    try {
      identity = ServerIdentity.parse(cert, certFile, key, keyFile, clock.instant());
    } catch (TlsMaterialException e) {
      int contentHash = 31 * Arrays.hashCode(cert) + Arrays.hashCode(key);
      lastIdentityRejection = reject(side.identity, e, lastIdentityRejection, contentHash);
      return;
    }
    applyIdentity(identity, cert, key);
    lastIdentityRejection = null;
    X509Certificate leaf = identity.leaf();
    log.info(
        "TLS {} reloaded from {}: subject {}, serial {}, valid until {}",
        side.identity,
        certFile,
        leaf.getSubjectX500Principal().getName(),
        leaf.getSerialNumber().toString(16),
        leaf.getNotAfter().toInstant());
    listener.identityReloaded(identity.chain());
  }

  private void reloadCa() {
    byte[] ca;
    try {
      ca = Pem.read(caFile);
    } catch (TlsMaterialException e) {
      lastCaRejection = reject(side.ca, e, lastCaRejection, 0);
      return;
    }
    if (Arrays.equals(ca, appliedCa)) {
      lastCaRejection = null;
      return;
    }
    ClientCaBundle bundle;
    try {
      bundle = ClientCaBundle.parse(ca, caFile, clock.instant());
      applyCa(bundle, ca);
    } catch (TlsMaterialException e) {
      lastCaRejection = reject(side.ca, e, lastCaRejection, Arrays.hashCode(ca));
      return;
    }
    lastCaRejection = null;
    log.info(
        "TLS {} reloaded from {}: {} certificate(s)",
        side.ca,
        caFile,
        bundle.certificates().size());
    listener.clientCaReloaded(bundle.certificates());
  }

  /** Logs and reports a rejection unless the same problem with the same content was reported. */
  private String reject(String what, TlsMaterialException e, String previous, int contentHash) {
    String signature = e.getMessage() + '#' + contentHash;
    if (!signature.equals(previous)) {
      log.error(
          "Changed TLS {} files not applied, still using the previous ones: {}",
          what,
          e.getMessage());
      listener.reloadRejected(e.getMessage());
    }
    return signature;
  }

  private void applyIdentity(ServerIdentity identity, byte[] cert, byte[] key) {
    keyManager.updateIdentityCredentials(identity.chainArray(), identity.key());
    appliedCert = cert;
    appliedKey = key;
  }

  private void applyCa(ClientCaBundle bundle, byte[] ca) throws TlsMaterialException {
    try {
      trustManager.updateTrustCredentials(bundle.asArray());
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsMaterialException(caFile, "cannot build a trust store from it (" + e + ")", e);
    }
    appliedCa = ca;
  }
}
