package dev.datapunk.mesh.runtime.tracing.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * OpenTelemetry's parent-based trace-id-ratio sampler, with a ratio that can change while the
 * server runs: a call that continues a trace follows its caller's decision, a new trace is recorded
 * with the configured probability (0 records none, 1 every one).
 */
final class RatioSampler implements Sampler {

  private volatile Sampler delegate;

  RatioSampler(double ratio) {
    ratio(ratio);
  }

  /** Samples new traces with {@code ratio} from the next span on. */
  void ratio(double ratio) {
    delegate = Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return delegate.getDescription();
  }
}
