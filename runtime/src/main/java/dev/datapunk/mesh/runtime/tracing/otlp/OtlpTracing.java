package dev.datapunk.mesh.runtime.tracing.otlp;

import dev.datapunk.mesh.runtime.tracing.TracingSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The OpenTelemetry SDK a server traces with when {@code tracing.enabled=true}: spans are sampled
 * by a parent-based ratio sampler, batched, and exported over OTLP/gRPC to {@code tracing.endpoint}
 * with {@code tracing.headers}; W3C trace context and baggage are propagated. Nothing is registered
 * globally ({@code GlobalOpenTelemetry} stays untouched).
 *
 * <p>The exporter marshals in {@link MemoryMode#REUSABLE_DATA} mode: each export's marshalling
 * buffers return to a pool once the export has ended, which the sender reports only after the
 * request has been written for the last time (see {@link GrpcJavaSender}).
 *
 * <p>{@link #close()} exports what is still queued (waiting at most {@code tracing.export-timeout})
 * and shuts the exporter down; the server calls it after its calls have drained.
 */
public final class OtlpTracing implements AutoCloseable {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  /**
   * Spans queued for export at most; beyond that new spans are dropped (never the calls). Room for
   * a quarter of a second of spans at 60,000 sampled calls/s while an export is in flight.
   */
  static final int MAX_QUEUED_SPANS = 16_384;

  /**
   * Spans per export at most: under load exports are few and large, so the per-export work (the
   * call, the resource and scope, the response) is spread over many spans.
   */
  static final int MAX_SPANS_PER_EXPORT = 2_048;

  private final SdkTracerProvider tracerProvider;
  private final RatioSampler sampler;
  private final Duration exportTimeout;
  private final OpenTelemetry openTelemetry;
  private final AtomicReference<Map<String, String>> headers;

  private OtlpTracing(
      SdkTracerProvider tracerProvider,
      RatioSampler sampler,
      Duration exportTimeout,
      AtomicReference<Map<String, String>> headers) {
    this.tracerProvider = tracerProvider;
    this.sampler = sampler;
    this.exportTimeout = exportTimeout;
    this.headers = headers;
    ContextPropagators propagators =
        ContextPropagators.create(
            TextMapPropagator.composite(
                W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));
    this.openTelemetry =
        new OpenTelemetry() {
          @Override
          public TracerProvider getTracerProvider() {
            return tracerProvider;
          }

          @Override
          public ContextPropagators getPropagators() {
            return propagators;
          }
        };
  }

  /**
   * Starts the SDK as {@code settings} says. Nothing connects yet: the exporter's channel connects
   * with the first export, and an unreachable receiver only loses spans (the exporter logs it).
   */
  public static OtlpTracing start(TracingSettings settings) {
    RatioSampler sampler = new RatioSampler(settings.samplingRatio());
    AtomicReference<Map<String, String>> headers = new AtomicReference<>(settings.headers());
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint(settings.endpoint().toString())
            .setTimeout(settings.exportTimeout())
            .setHeaders(headers::get)
            .setComponentLoader(senderOnly(GrpcJavaSender.provider()))
            .setMemoryMode(MemoryMode.REUSABLE_DATA)
            .setMeterProvider(MeterProvider::noop)
            .build();
    BatchSpanProcessor processor =
        BatchSpanProcessor.builder(exporter)
            .setExporterTimeout(settings.exportTimeout())
            .setMaxQueueSize(MAX_QUEUED_SPANS)
            .setMaxExportBatchSize(MAX_SPANS_PER_EXPORT)
            .setMeterProvider(MeterProvider::noop)
            .build();
    Resource resource = Resource.getDefault();
    if (settings.serviceName().isPresent()) {
      resource =
          resource.merge(
              Resource.create(Attributes.of(SERVICE_NAME, settings.serviceName().get())));
    }
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .setSampler(sampler)
            .addSpanProcessor(processor)
            .build();
    return new OtlpTracing(provider, sampler, settings.exportTimeout(), headers);
  }

  /**
   * The API the tracing stage and the client interceptor use: this SDK's tracers, W3C propagation.
   */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Samples new traces with {@code ratio} (0 to 1) from the next call on. */
  public void samplingRatio(double ratio) {
    sampler.ratio(ratio);
  }

  /** Sends {@code headers} with the next exports. */
  public void headers(Map<String, String> headers) {
    this.headers.set(Map.copyOf(headers));
  }

  /** Exports what is queued, at most {@code tracing.export-timeout}, then stops the exporter. */
  @Override
  public void close() {
    tracerProvider.shutdown().join(exportTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Hands the exporter {@code provider} as its only gRPC sender, without looking at the class path.
   */
  private static ComponentLoader senderOnly(GrpcSenderProvider provider) {
    ComponentLoader classPath = ComponentLoader.forClassLoader(OtlpTracing.class.getClassLoader());
    return new ComponentLoader() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Iterable<T> load(Class<T> type) {
        return type == GrpcSenderProvider.class
            ? (List<T>) List.of(provider)
            : classPath.load(type);
      }
    };
  }
}
