package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.runtime.tracing.TracingStage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK as the server traces with it, every call sampled, ended spans queued to a
 * batch span processor, but an exporter that drops each batch: what tracing costs on the call's own
 * thread (span, attributes, context, queueing), without the export, which the load comparison
 * measures.
 */
final class DiscardingTracing implements AutoCloseable {

  private final SdkTracerProvider provider;
  private final TracingStage stage;

  DiscardingTracing() {
    provider =
        SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
            .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build())
            .build();
    ContextPropagators propagators =
        ContextPropagators.create(W3CTraceContextPropagator.getInstance());
    stage =
        TracingStage.on(
            new OpenTelemetry() {
              @Override
              public TracerProvider getTracerProvider() {
                return provider;
              }

              @Override
              public ContextPropagators getPropagators() {
                return propagators;
              }
            },
            false);
  }

  /** The tracing stage on this SDK. */
  TracingStage stage() {
    return stage;
  }

  @Override
  public void close() {
    provider.shutdown().join(5, TimeUnit.SECONDS);
  }

  private static final class DroppingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
