package dev.datapunk.mesh.runtime.metrics;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

/**
 * Remembers the status the transport closed a call's stream with, for calls that end without
 * reaching any interceptor's {@code close}: a request over {@code server.max-inbound-message-size}
 * (the client sees RESOURCE_EXHAUSTED), a deadline that expired on the server (DEADLINE_EXCEEDED),
 * a client that went away (CANCELLED). The interceptors only see {@code onCancel()} then; the
 * metrics stage reads the real code from here so the call is counted with the status the client
 * saw.
 *
 * <p>One small object per stream, put in the call's {@link Context} by {@link #filterContext}. The
 * tracing stage reads it too ({@link #ofCurrentCall}), so a span ends with the same status.
 */
public final class TransportStatus extends ServerStreamTracer {

  static final Context.Key<TransportStatus> KEY = Context.key("dev.datapunk.mesh.transport-status");

  private volatile Status.Code closedWith;

  private TransportStatus() {}

  /**
   * The code the transport closed the stream of the call whose {@link Context} is current with, or
   * {@code fallback} when it did not (yet), or when the metrics stage's stream tracer is not
   * registered. Read it in {@code onCancel}.
   */
  public static Status.Code ofCurrentCall(Status.Code fallback) {
    TransportStatus status = KEY.get();
    return status == null ? fallback : status.closedWith(fallback);
  }

  @Override
  public Context filterContext(Context context) {
    return context.withValue(KEY, this);
  }

  @Override
  public void streamClosed(Status status) {
    closedWith = status.getCode();
  }

  /** The code the stream was closed with, or {@code fallback} when it is not closed (yet). */
  Status.Code closedWith(Status.Code fallback) {
    Status.Code code = closedWith;
    return code == null ? fallback : code;
  }

  /** Creates one {@link TransportStatus} per stream; register it with the server builder. */
  static final class Factory extends ServerStreamTracer.Factory {
    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      return new TransportStatus();
    }
  }
}
