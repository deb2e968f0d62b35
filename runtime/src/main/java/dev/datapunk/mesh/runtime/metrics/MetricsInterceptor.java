package dev.datapunk.mesh.runtime.metrics;

import dev.datapunk.mesh.runtime.errors.ExceptionMapper;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;

/**
 * The outermost stage of every method: counts messages, times the call and records it with its real
 * final status, including calls that inner stages reject.
 *
 * <p>It also ends calls that raise an exception: one that escapes service code or an inner stage,
 * or one service code passes to {@code onError} (which grpc-java turns into {@code UNKNOWN} with
 * the exception as its cause). The service's {@link ExceptionMapper} decides the status, so the
 * status recorded is the status the client sees; without a handler it is {@code UNKNOWN}
 * "application error", the stack trace only in the log. grpc-java would otherwise close calls whose
 * code threw below every interceptor, uncounted.
 */
final class MetricsInterceptor implements ServerInterceptor {

  private static final Logger log = MeshLoggers.getLogger(MetricsInterceptor.class);

  private final MethodMetrics metrics;
  private final AtomicInteger activeCalls;
  private final ExceptionMapper exceptions;

  MetricsInterceptor(MethodMetrics metrics, AtomicInteger activeCalls, ExceptionMapper exceptions) {
    this.metrics = metrics;
    this.activeCalls = activeCalls;
    this.exceptions = exceptions;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MeteredCall<ReqT, RespT> metered =
        new MeteredCall<>(call, metrics, activeCalls, TransportStatus.KEY.get(), exceptions);
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(metered, headers);
    } catch (Exception e) {
      // A stage or a streaming method's service code threw on start: the call is closed here, and
      // whatever the client still sends is ignored.
      metered.failed(e);
      return new ServerCall.Listener<>() {};
    }
    return new MeteredListener<>(listener, metered);
  }

  /** The call as the inner stages see it: records the outcome exactly once. */
  static final class MeteredCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

    private static final AtomicIntegerFieldUpdater<MeteredCall<?, ?>> ENDED = newEndedUpdater();

    private final MethodMetrics metrics;
    private final AtomicInteger activeCalls;
    private final long startNanos;
    private final TransportStatus transportStatus;
    private final ExceptionMapper exceptions;
    private volatile int ended;

    MeteredCall(
        ServerCall<ReqT, RespT> delegate,
        MethodMetrics metrics,
        AtomicInteger activeCalls,
        TransportStatus transportStatus,
        ExceptionMapper exceptions) {
      super(delegate);
      this.metrics = metrics;
      this.activeCalls = activeCalls;
      this.transportStatus = transportStatus;
      this.exceptions = exceptions;
      this.startNanos = System.nanoTime();
      activeCalls.incrementAndGet();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AtomicIntegerFieldUpdater<MeteredCall<?, ?>> newEndedUpdater() {
      return (AtomicIntegerFieldUpdater)
          AtomicIntegerFieldUpdater.newUpdater(MeteredCall.class, "ended");
    }

    @Override
    public void sendMessage(RespT message) {
      super.sendMessage(message);
      metrics.messageSent();
    }

    /**
     * Closes the call, recording its status. A status grpc-java made from an exception passed to
     * {@code onError} ({@code UNKNOWN}, no description, the exception as cause) is first mapped.
     */
    @Override
    public void close(Status status, Metadata trailers) {
      if (status.getCode() == Status.Code.UNKNOWN
          && status.getDescription() == null
          && status.getCause() != null) {
        closeMapped(
            exceptions.map(status.getCause(), getMethodDescriptor().getFullMethodName(), trailers));
      } else {
        end(status.getCode());
        super.close(status, trailers);
      }
    }

    private void closeMapped(StatusException mapped) {
      end(mapped.getStatus().getCode());
      super.close(mapped.getStatus(), mapped.getTrailers());
    }

    /** The call was cancelled: by the client, or by the transport with a status the client sees. */
    void cancelled() {
      end(
          transportStatus == null
              ? Status.Code.CANCELLED
              : transportStatus.closedWith(Status.Code.CANCELLED));
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

    /**
     * Service code or a stage threw: close with the status the exception maps to, unless the call
     * was already closed (then only log it).
     */
    void failed(Exception e) {
      String method = getMethodDescriptor().getFullMethodName();
      if (isEnded()) {
        log.warn("{} failed with an uncaught exception after the call ended", method, e);
        return;
      }
      StatusException mapped = exceptions.map(e, method, new Metadata());
      try {
        closeMapped(mapped);
      } catch (IllegalStateException alreadyClosed) {
        end(mapped.getStatus().getCode());
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
      } catch (Exception e) {
        call.failed(e);
      }
    }

    @Override
    public void onHalfClose() {
      try {
        super.onHalfClose();
      } catch (Exception e) {
        call.failed(e);
      }
    }

    @Override
    public void onReady() {
      try {
        super.onReady();
      } catch (Exception e) {
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
