package dev.datapunk.mesh.runtime.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server traces its calls and exports the spans ({@code tracing.*}).
 *
 * @param enabled whether calls are traced at all; without it no tracing stage exists in any chain
 * @param endpoint the OTLP/gRPC receiver spans are exported to ({@code http://} or {@code
 *     https://})
 * @param samplingRatio the share of new traces recorded, 0 to 1; a call that continues a trace
 *     follows its caller's decision (parent-based sampling)
 * @param serviceName the {@code service.name} of the exported spans; empty for OpenTelemetry's
 *     {@code unknown_service:java}
 * @param exportTimeout how long one export may take, and the longest the shutdown waits for the
 *     last spans to go out
 * @param headers headers sent with every export (e.g. a receiver's API key); secrets
 * @param recordIdentity whether spans carry the verified peer identity and token subject
 */
public record TracingSettings(
    boolean enabled,
    URI endpoint,
    double samplingRatio,
    Optional<String> serviceName,
    Duration exportTimeout,
    Map<String, String> headers,
    boolean recordIdentity) {

  /**
   * @throws IllegalArgumentException when the sampling ratio is outside 0..1, the endpoint is not
   *     an http or https URI with a host, or the export timeout is not positive
   */
  public TracingSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(exportTimeout, "exportTimeout");
    headers = Map.copyOf(headers);
    if (!(samplingRatio >= 0 && samplingRatio <= 1)) {
      throw new IllegalArgumentException(
          "tracing.sampling-ratio must be between 0 and 1, was " + samplingRatio);
    }
    String scheme = endpoint.getScheme();
    if (endpoint.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
      throw new IllegalArgumentException(
          "tracing.endpoint must be an http:// or https:// URI with a host");
    }
    if (exportTimeout.isNegative() || exportTimeout.isZero()) {
      throw new IllegalArgumentException(
          "tracing.export-timeout must be positive, was " + exportTimeout);
    }
  }

  /** Never shows the header values. */
  @Override
  public String toString() {
    return "TracingSettings[enabled="
        + enabled
        + ", endpoint="
        + endpoint
        + ", samplingRatio="
        + samplingRatio
        + ", serviceName="
        + serviceName.orElse("(unset)")
        + ", exportTimeout="
        + exportTimeout
        + ", headers="
        + headers.keySet()
        + ", recordIdentity="
        + recordIdentity
        + "]";
  }
}
