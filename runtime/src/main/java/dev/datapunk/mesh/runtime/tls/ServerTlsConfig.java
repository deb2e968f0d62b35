package dev.datapunk.mesh.runtime.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ServerTls#start(ServerTlsConfig)} needs.
 *
 * @param mode the transport security mode ({@code tls.mode})
 * @param certChain PEM server certificate chain, leaf first ({@code tls.cert}); required unless
 *     {@link TlsMode#PLAINTEXT}
 * @param privateKey PEM PKCS#8 private key of the leaf ({@code tls.key}); required unless {@link
 *     TlsMode#PLAINTEXT}
 * @param clientCa PEM CA certificates client certificates must chain to ({@code tls.ca}); required
 *     for {@link TlsMode#MTLS}, ignored otherwise
 * @param reloadPeriod how often the files are re-read; changed content is validated and then used
 *     for new connections
 * @param listener told about every reload and rejected change
 */
public record ServerTlsConfig(
    TlsMode mode,
    Path certChain,
    Path privateKey,
    Path clientCa,
    Duration reloadPeriod,
    TlsReloadListener listener) {

  /**
   * Default for {@link #reloadPeriod}: one second. A reload check reads three files of a few
   * kilobytes from the page cache and compares bytes (microseconds of work, nothing allocated on
   * the call path), so polling every second costs nothing measurable, while a rotated certificate
   * is in use within a second. Polling content rather than watching for file events also works for
   * Kubernetes secret volumes, which swap a symlink instead of writing the files.
   */
  public static final Duration DEFAULT_RELOAD_PERIOD = Duration.ofSeconds(1);

  /** Validates the combination; messages name the configuration key at fault. */
  public ServerTlsConfig {
    Objects.requireNonNull(mode, "tls.mode");
    Objects.requireNonNull(reloadPeriod, "reloadPeriod");
    Objects.requireNonNull(listener, "listener");
    if (reloadPeriod.isNegative() || reloadPeriod.isZero()) {
      throw new IllegalArgumentException(
          "TLS reload period must be positive (was " + reloadPeriod + ")");
    }
    if (mode != TlsMode.PLAINTEXT) {
      if (certChain == null) {
        throw new IllegalArgumentException("tls.cert is required for tls.mode=" + name(mode));
      }
      if (privateKey == null) {
        throw new IllegalArgumentException("tls.key is required for tls.mode=" + name(mode));
      }
    }
    if (mode == TlsMode.MTLS && clientCa == null) {
      throw new IllegalArgumentException("tls.ca is required for tls.mode=mtls");
    }
  }

  /** Mutual TLS with the default reload period. */
  public static ServerTlsConfig mtls(Path certChain, Path privateKey, Path clientCa) {
    return new ServerTlsConfig(
        TlsMode.MTLS,
        certChain,
        privateKey,
        clientCa,
        DEFAULT_RELOAD_PERIOD,
        TlsReloadListener.NONE);
  }

  /** Server-side TLS with the default reload period. */
  public static ServerTlsConfig tls(Path certChain, Path privateKey) {
    return new ServerTlsConfig(
        TlsMode.TLS, certChain, privateKey, null, DEFAULT_RELOAD_PERIOD, TlsReloadListener.NONE);
  }

  /** No TLS. */
  public static ServerTlsConfig plaintext() {
    return new ServerTlsConfig(
        TlsMode.PLAINTEXT, null, null, null, DEFAULT_RELOAD_PERIOD, TlsReloadListener.NONE);
  }

  /** This configuration with another reload period. */
  public ServerTlsConfig withReloadPeriod(Duration period) {
    return new ServerTlsConfig(mode, certChain, privateKey, clientCa, period, listener);
  }

  /** This configuration with another listener. */
  public ServerTlsConfig withListener(TlsReloadListener newListener) {
    return new ServerTlsConfig(mode, certChain, privateKey, clientCa, reloadPeriod, newListener);
  }

  private static String name(TlsMode mode) {
    return mode.name().toLowerCase(java.util.Locale.ROOT);
  }
}
