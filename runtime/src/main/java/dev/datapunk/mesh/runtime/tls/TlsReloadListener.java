package dev.datapunk.mesh.runtime.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Observes certificate reloads of a {@link ServerTls}, e.g. to count them in metrics. Called on the
 * reload thread; implementations must be quick and must not throw. Every event is also logged on
 * {@code dev.datapunk.mesh.runtime.tls}.
 */
public interface TlsReloadListener {

  /** A listener that ignores every event. */
  TlsReloadListener NONE = new TlsReloadListener() {};

  /** New connections now present {@code chain} (leaf first). */
  default void identityReloaded(List<X509Certificate> chain) {}

  /** New connections now verify client certificates against {@code caCertificates}. */
  default void clientCaReloaded(List<X509Certificate> caCertificates) {}

  /**
   * Changed files were not applied and the previous material stays in use.
   *
   * @param problem names the file and what is wrong with it; never contains key material
   */
  default void reloadRejected(String problem) {}
}
