package dev.datapunk.mesh.runtime.limits;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;

/**
 * Stamps each call with the moment its stream arrived, on the transport thread, before the call
 * waits for a worker thread. The adaptive limit measures a call's latency from here, so the time
 * calls spend queued for the worker pool (where the interceptors run) counts as queueing.
 *
 * <p>Handed out by {@link AdaptiveLimitStage#arrivalTracer()} only while the adaptive limit is on:
 * one small object per stream.
 */
public final class CallArrival extends ServerStreamTracer {

  private static final Context.Key<CallArrival> KEY = Context.key("dev.datapunk.mesh.call-arrival");

  private final long arrivedNanos = System.nanoTime();

  private CallArrival() {}

  /** A factory stamping every stream. */
  static ServerStreamTracer.Factory factory() {
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return new CallArrival();
      }
    };
  }

  @Override
  public Context filterContext(Context context) {
    return context.withValue(KEY, this);
  }

  /** When the current call's stream arrived, or {@code fallback} when it was not stamped. */
  static long arrivedNanos(long fallback) {
    CallArrival arrival = KEY.get();
    return arrival == null ? fallback : arrival.arrivedNanos;
  }
}
