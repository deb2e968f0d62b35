package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.security.jwt.JwksFileSource;
import dev.datapunk.mesh.runtime.tls.TlsReloadListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Counts what the file watcher did with changed certificate and JWKS files, so that a bad file
 * (which keeps the previous material in use and is logged once) also shows on a dashboard:
 *
 * <ul>
 *   <li>{@value #TLS} (counter; {@code result} = {@code applied}|{@code rejected}): changes of the
 *       server certificate/key or client CA files put in force, or refused;
 *   <li>{@value #JWKS} (counter; {@code result} = {@code applied}|{@code rejected}): versions of
 *       the {@code auth.jwt.jwks} file whose keys were put in force, or refused.
 * </ul>
 */
final class FileReloadMeters {

  /** Counter of certificate file reloads. */
  static final String TLS = "mesh.tls.reloads";

  /** Counter of JWKS file reloads. */
  static final String JWKS = "mesh.auth.jwks.reloads";

  private FileReloadMeters() {}

  /** A listener counting {@value #TLS} in {@code registry}. */
  static TlsReloadListener tls(MeterRegistry registry) {
    Counter applied = tlsCounter(registry, "applied");
    Counter rejected = tlsCounter(registry, "rejected");
    return new TlsReloadListener() {
      @Override
      public void identityReloaded(List<X509Certificate> chain) {
        applied.increment();
      }

      @Override
      public void clientCaReloaded(List<X509Certificate> caCertificates) {
        applied.increment();
      }

      @Override
      public void reloadRejected(String problem) {
        rejected.increment();
      }
    };
  }

  /** Registers {@value #JWKS}, read from {@code source}'s own totals. */
  static void jwks(MeterRegistry registry, JwksFileSource source) {
    jwksCounter(registry, source, "applied", JwksFileSource::reloadedVersions);
    jwksCounter(registry, source, "rejected", JwksFileSource::rejectedVersions);
  }

  private static Counter tlsCounter(MeterRegistry registry, String result) {
    return Counter.builder(TLS)
        .description(
            "Changes of the TLS certificate files applied or rejected (previous ones kept)")
        .tag("result", result)
        .register(registry);
  }

  private static void jwksCounter(
      MeterRegistry registry,
      JwksFileSource source,
      String result,
      ToDoubleFunction<JwksFileSource> total) {
    FunctionCounter.builder(JWKS, source, total)
        .description("Versions of the JWKS file applied or rejected (previous keys kept)")
        .tag("result", result)
        .register(registry);
  }
}
