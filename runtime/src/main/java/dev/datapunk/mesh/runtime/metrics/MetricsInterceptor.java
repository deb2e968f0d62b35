package dev.datapunk.mesh.runtime.metrics;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;

/**
 * The outermost stage of every method: counts messages, times the call and records it with its
 * real final status, including calls that inner stages reject.
 *
 * <p>It also turns an exception escaping the service code into a deliberate {@code UNKNOWN} status
 * (logged here with its stack trace, sent to the client without it), so such calls are counted
 * too; grpc-java would otherwise close them below every interceptor.
 */
final class MetricsInterceptor implements ServerInterceptor {

  private static final Logger log = MeshLoggers.getLogger(MetricsInterceptor.class);

  private final MethodMetrics metrics;
  private final AtomicInteger activeCalls;

  MetricsInterceptor(MethodMetrics metrics, AtomicInteger activeCalls) {
    this.metrics = metrics;
    this.activeCalls = activeCalls;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MeteredCall<ReqT, RespT> metered = new MeteredCall<>(call, metrics, activeCalls, TransportStatus.KEY.get());
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(metered, headers);
    } catch (RuntimeException e) {
      metered.failed(e);
      throw e;
    }
    return new MeteredListener<>(listener, metered);
  }

  /** The call as the inner stages see it: records the outcome exactly once. */
  static final class MeteredCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

    private static final AtomicIntegerFieldUpdater<MeteredCall<?, ?>> ENDED =
        newEndedUpdater();

    private final MethodMetrics metrics;
    private final AtomicInteger activeCalls;
    private final long startNanos;
    private final TransportStatus transportStatus;
    private volatile int ended;

    MeteredCall(ServerCall<ReqT, RespT> delegate, MethodMetrics metrics, AtomicInteger activeCalls,
        TransportStatus transportStatus) {
      super(delegate);
      this.metrics = metrics;
      this.activeCalls = activeCalls;
      this.transportStatus = transportStatus;
      this.startNanos = System.nanoTime();
      activeCalls.incrementAndGet();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AtomicIntegerFieldUpdater<MeteredCall<?, ?>> newEndedUpdater() {
      return (AtomicIntegerFieldUpdater) AtomicIntegerFieldUpdater.newUpdater(MeteredCall.class, "ended");
    }

    @Override
    public void sendMessage(RespT message) {
      super.sendMessage(message);
      metrics.messageSent();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      end(status.getCode());
      super.close(status, trailers);
    }

    /** The call was cancelled: by the client, or by the transport with a status the client sees. */
    void cancelled() {
      end(transportStatus == null ? Status.Code.CANCELLED : transportStatus.closedWith(Status.Code.CANCELLED));
    }

    boolean isEnded() {
      return ended != 0;
    }

    void end(Status.Code code) {
      if (ENDED.compareAndSet(this, 0, 1)) {
        metrics.callEnded(code, System.nanoTime() - startNanos);
        activeCalls.decrementAndGet();
      }
    }

    /** Service code threw: close with UNKNOWN unless the call was already closed. */
    void failed(RuntimeException e) {
      log.warn("{} failed with an uncaught exception", getMethodDescriptor().getFullMethodName(), e);
      if (!isEnded()) {
        try {
          close(Status.UNKNOWN.withDescription("application error"), new Metadata());
        } catch (IllegalStateException alreadyClosed) {
          end(Status.Code.UNKNOWN);
        }
      }
    }
  }

  /** Counts request messages and catches exceptions that escape the service code. */
  static final class MeteredListener<ReqT> extends SimpleForwardingServerCallListener<ReqT> {

    private final MeteredCall<ReqT, ?> call;

    MeteredListener(ServerCall.Listener<ReqT> delegate, MeteredCall<ReqT, ?> call) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onMessage(ReqT message) {
      call.metrics.messageReceived();
      try {
        super.onMessage(message);
      } catch (RuntimeException e) {
        call.failed(e);
      }
    }

    @Override
    public void onHalfClose() {
      try {
        super.onHalfClose();
      } catch (RuntimeException e) {
        call.failed(e);
      }
    }

    @Override
    public void onReady() {
      try {
        super.onReady();
      } catch (RuntimeException e) {
        call.failed(e);
      }
    }

    @Override
    public void onCancel() {
      call.cancelled();
      super.onCancel();
    }

    @Override
    public void onComplete() {
      super.onComplete();
    }
  }
}
