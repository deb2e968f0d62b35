package dev.datapunk.mesh.runtime.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traces outgoing calls: one {@code CLIENT} span per call, a child of the span current when the
 * call is made (the server span of the call it is made in, or a span of the application's own),
 * with the trace context (W3C {@code traceparent}, {@code tracestate} and {@code baggage} with the
 * mesh's SDK) written into the request headers, so the next server's span is a child of this one.
 *
 * <p>The span carries the RPC conventions' client attributes: {@code rpc.system}, {@code
 * rpc.service}, {@code rpc.method}, {@code server.address} and {@code server.port} (from the
 * channel's authority), and {@code rpc.grpc.status_code}; any status but {@code OK} makes it an
 * error. Give it to {@code MeshChannels.Builder.interceptor}, where it sees each call once, with
 * every retry inside its span; the generated {@code main} does so for the {@code client.<name>.*}
 * channels while {@code tracing.enabled=true}.
 */
public final class TracingClientInterceptor implements ClientInterceptor {

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final ConcurrentHashMap<String, Attributes> serverByAuthority = new ConcurrentHashMap<>();

  private TracingClientInterceptor(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  /** Traces with {@code openTelemetry}'s tracer and injects with its text-map propagator. */
  public static TracingClientInterceptor of(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    Tracer tracer =
        openTelemetry
            .tracerBuilder(TracingStage.INSTRUMENTATION_NAME)
            .setSchemaUrl(SpanAttributes.SCHEMA_URL)
            .build();
    return new TracingClientInterceptor(
        tracer, openTelemetry.getPropagators().getTextMapPropagator());
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    Context parent = Context.current();
    Span span =
        tracer
            .spanBuilder(method.getFullMethodName())
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(SpanAttributes.RPC_SYSTEM, "grpc")
            .setAttribute(SpanAttributes.RPC_SERVICE, method.getServiceName())
            .setAttribute(SpanAttributes.RPC_METHOD, method.getBareMethodName())
            .setAllAttributes(server(next.authority()))
            .startSpan();
    Context context = parent.with(span);
    ClientCall<ReqT, RespT> call;
    try {
      call = next.newCall(method, callOptions);
    } catch (RuntimeException e) {
      end(span, Status.fromThrowable(e));
      throw e;
    }
    return new SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        propagator.inject(context, headers, MetadataCarrier.INSTANCE);
        try {
          super.start(
              new SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                  end(span, status);
                  super.onClose(status, trailers);
                }
              },
              headers);
        } catch (RuntimeException e) {
          end(span, Status.fromThrowable(e));
          throw e;
        }
      }
    };
  }

  private static void end(Span span, Status status) {
    if (span.isRecording()) {
      span.setAttribute(SpanAttributes.RPC_GRPC_STATUS_CODE, status.getCode().value());
      if (!status.isOk()) {
        span.setStatus(StatusCode.ERROR);
      }
    }
    span.end();
  }

  /**
   * {@code server.address} and {@code server.port} of a channel's authority ({@code host:port}).
   */
  private Attributes server(String authority) {
    if (authority == null) {
      return Attributes.empty();
    }
    return serverByAuthority.computeIfAbsent(authority, TracingClientInterceptor::parseAuthority);
  }

  private static Attributes parseAuthority(String authority) {
    AttributesBuilder attributes = Attributes.builder();
    try {
      URI uri = new URI(null, authority, null, null, null);
      if (uri.getHost() != null) {
        attributes.put(SpanAttributes.SERVER_ADDRESS, uri.getHost());
        if (uri.getPort() >= 0) {
          attributes.put(SpanAttributes.SERVER_PORT, uri.getPort());
        }
      } else {
        attributes.put(SpanAttributes.SERVER_ADDRESS, authority);
      }
    } catch (URISyntaxException e) {
      attributes.put(SpanAttributes.SERVER_ADDRESS, authority);
    }
    return attributes.build();
  }
}
