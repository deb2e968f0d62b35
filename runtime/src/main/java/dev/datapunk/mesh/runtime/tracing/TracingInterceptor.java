package dev.datapunk.mesh.runtime.tracing;

import dev.datapunk.mesh.runtime.metrics.TransportStatus;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The tracing stage of one method: starts the call's {@code SERVER} span as a child of the context
 * the propagator extracts from the request headers (a new trace without one), makes it current
 * around {@code startCall} and every listener callback (so the stages below, the service code and
 * any span it starts see it, and outgoing calls carry it), and ends it exactly once: when the call
 * is closed, with the status the client gets (just before the status goes out), or when it is
 * cancelled, with the status the transport ended the stream with.
 *
 * <p>A span the sampler drops is still made current, so the trace's identity and its not-sampled
 * decision travel on; nothing is written to it.
 */
final class TracingInterceptor implements ServerInterceptor {

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String spanName;
  private final Attributes methodAttributes;

  TracingInterceptor(
      Tracer tracer, TextMapPropagator propagator, String spanName, Attributes methodAttributes) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.spanName = spanName;
    this.methodAttributes = methodAttributes;
  }

  @Override
  @SuppressWarnings("try") // the Scope is only closed: it makes the context current for the block
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Context parent = propagator.extract(Context.root(), headers, MetadataCarrier.INSTANCE);
    Span span =
        tracer
            .spanBuilder(spanName)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAllAttributes(methodAttributes)
            .startSpan();
    if (span.isRecording()) {
      recordConnection(span, call.getAttributes());
    }
    Context context = parent.with(span);
    TracedCall<ReqT, RespT> traced = new TracedCall<>(call, span);
    ServerCall.Listener<ReqT> listener;
    try (Scope ignored = context.makeCurrent()) {
      listener = next.startCall(traced, headers);
    } catch (RuntimeException | Error e) {
      traced.end(Status.UNKNOWN.withCause(e));
      throw e;
    }
    return new TracedListener<>(listener, context, traced);
  }

  /** The transport's own addresses: the TCP peer and the server's end of the connection. */
  private static void recordConnection(Span span, io.grpc.Attributes transport) {
    SocketAddress remote = transport.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (remote instanceof InetSocketAddress peer && peer.getAddress() != null) {
      span.setAttribute(SpanAttributes.NETWORK_TRANSPORT, "tcp");
      span.setAttribute(
          SpanAttributes.NETWORK_TYPE, peer.getAddress() instanceof Inet6Address ? "ipv6" : "ipv4");
      span.setAttribute(SpanAttributes.NETWORK_PEER_ADDRESS, peer.getAddress().getHostAddress());
      span.setAttribute(SpanAttributes.NETWORK_PEER_PORT, peer.getPort());
    }
    SocketAddress local = transport.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
    if (local instanceof InetSocketAddress server && server.getAddress() != null) {
      span.setAttribute(SpanAttributes.SERVER_ADDRESS, server.getAddress().getHostAddress());
      span.setAttribute(SpanAttributes.SERVER_PORT, server.getPort());
    }
  }

  /**
   * Server-side errors in the RPC conventions' sense: the span's status is ERROR for these only.
   */
  static boolean isServerError(Status.Code code) {
    return switch (code) {
      case UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS -> true;
      default -> false;
    };
  }

  /** The call as the stages below see it: ends the span when the call is closed. */
  static final class TracedCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<TracedCall> ENDED =
        AtomicIntegerFieldUpdater.newUpdater(TracedCall.class, "ended");

    private final Span span;

    @SuppressWarnings("UnusedVariable") // read and written only through ENDED, a field updater
    private volatile int ended;

    TracedCall(ServerCall<ReqT, RespT> delegate, Span span) {
      super(delegate);
      this.span = span;
    }

    /**
     * Ends the span, then closes the call: the span is over before the stream is, so a server that
     * has terminated (all streams closed) has ended every span and its shutdown exports them all.
     */
    @Override
    public void close(Status status, Metadata trailers) {
      end(status);
      super.close(status, trailers);
    }

    /**
     * Ends the span once, with {@code status}: its code as {@code rpc.grpc.status_code} and {@code
     * mesh.status}, its cause (an exception the metrics stage mapped) as {@code
     * mesh.exception.type} and an {@code exception} event that names only the type (its message may
     * hold request data; the stack trace is in the log).
     */
    void end(Status status) {
      if (!ENDED.compareAndSet(this, 0, 1)) {
        return;
      }
      if (span.isRecording()) {
        Status.Code code = status.getCode();
        span.setAttribute(SpanAttributes.RPC_GRPC_STATUS_CODE, code.value());
        span.setAttribute(SpanAttributes.MESH_STATUS, code.name());
        Throwable cause = status.getCause();
        if (cause != null) {
          String type = cause.getClass().getName();
          span.setAttribute(SpanAttributes.MESH_EXCEPTION_TYPE, type);
          span.addEvent("exception", Attributes.of(SpanAttributes.EXCEPTION_TYPE, type));
        }
        if (isServerError(code)) {
          span.setStatus(StatusCode.ERROR);
        }
      }
      span.end();
    }
  }

  /** Makes the call's context current around every callback; a cancelled call ends its span. */
  @SuppressWarnings("try") // each Scope is only closed: it makes the context current for the block
  static final class TracedListener<ReqT> extends SimpleForwardingServerCallListener<ReqT> {

    private final Context context;
    private final TracedCall<ReqT, ?> call;

    TracedListener(ServerCall.Listener<ReqT> delegate, Context context, TracedCall<ReqT, ?> call) {
      super(delegate);
      this.context = context;
      this.call = call;
    }

    @Override
    public void onMessage(ReqT message) {
      try (Scope ignored = context.makeCurrent()) {
        super.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      try (Scope ignored = context.makeCurrent()) {
        super.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      try (Scope ignored = context.makeCurrent()) {
        super.onReady();
      }
    }

    @Override
    public void onCancel() {
      try (Scope ignored = context.makeCurrent()) {
        super.onCancel();
      } finally {
        call.end(Status.fromCode(TransportStatus.ofCurrentCall(Status.Code.CANCELLED)));
      }
    }

    @Override
    public void onComplete() {
      try (Scope ignored = context.makeCurrent()) {
        super.onComplete();
      }
    }
  }
}
