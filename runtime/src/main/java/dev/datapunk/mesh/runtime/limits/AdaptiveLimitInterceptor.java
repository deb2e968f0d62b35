package dev.datapunk.mesh.runtime.limits;

import dev.datapunk.mesh.runtime.chain.AdmissionListener;
import dev.datapunk.mesh.runtime.chain.CallRejections;
import dev.datapunk.mesh.runtime.policy.Access;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The adaptive-limit stage of one unary method: admits the call into its limiter partition or ends
 * it at once with {@code RESOURCE_EXHAUSTED} before any service code runs; an admitted call leaves
 * the limiter exactly once, when it closes or is cancelled, as a success sample ({@code OK}, with
 * its latency from admission), a drop ({@code CANCELLED}, {@code DEADLINE_EXCEEDED}, or any status
 * on a call already cancelled because its deadline passed or its client left) or neither (any other
 * status). A cancelled call keeps its slot until its service code returns: it still holds a worker
 * thread. The latency counts from the stream's arrival ({@link CallArrival}), so time spent waiting
 * for a worker thread counts as queueing.
 *
 * <p>While the stage's limit is switched off the call passes straight on (one volatile read).
 */
final class AdaptiveLimitInterceptor implements ServerInterceptor {

  private final AdaptiveLimitStage stage;
  private final String fullMethodName;
  private final Access access;
  private final ConcurrencyLimiter limiter;
  private final AdmissionListener listener;
  private volatile ConcurrencyLimiter.Partition partition;
  private volatile Counter rejections;

  AdaptiveLimitInterceptor(
      AdaptiveLimitStage stage,
      String fullMethodName,
      Access access,
      ConcurrencyLimiter limiter,
      ConcurrencyLimiter.Partition partition,
      AdmissionListener listener) {
    this.stage = stage;
    this.fullMethodName = fullMethodName;
    this.access = access;
    this.limiter = limiter;
    this.partition = partition;
    this.listener = listener;
  }

  String fullMethodName() {
    return fullMethodName;
  }

  Access access() {
    return access;
  }

  ConcurrencyLimiter limiter() {
    return limiter;
  }

  ConcurrencyLimiter.Partition partition() {
    return partition;
  }

  /** Admits the next calls into {@code share}; calls in flight release the share they took. */
  void partition(ConcurrencyLimiter.Partition share) {
    this.partition = share;
  }

  /** Where refused calls are counted; set when the limit is first switched on. */
  void rejections(Counter counter) {
    this.rejections = counter;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!stage.enabled()) {
      return next.startCall(call, headers);
    }
    ConcurrencyLimiter.Partition share = partition;
    if (!limiter.tryAcquire(share)) {
      Counter counter = rejections;
      if (counter != null) {
        counter.increment();
      }
      long retryAfterNanos = limiter.retryAfterNanos();
      listener.onAdmission(false, retryAfterNanos);
      return CallRejections.reject(
          call, ConcurrencyRejection.of(fullMethodName, limiter, retryAfterNanos));
    }
    listener.onAdmission(true, 0);
    LimitedCall<ReqT, RespT> limited =
        new LimitedCall<>(call, limiter, share, CallArrival.arrivedNanos(System.nanoTime()));
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(limited, headers);
    } catch (RuntimeException | Error e) {
      limited.finish(Status.Code.UNKNOWN);
      throw e;
    }
    return new LimitedListener<>(listener, limited);
  }

  /** An admitted call; reports its outcome to the limiter once. */
  static final class LimitedCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<LimitedCall> FINISHED =
        AtomicIntegerFieldUpdater.newUpdater(LimitedCall.class, "finished");

    private final ConcurrencyLimiter limiter;
    private final ConcurrencyLimiter.Partition partition;
    private final long admittedNanos;

    @SuppressWarnings("UnusedVariable") // read and written only through FINISHED, a field updater
    private volatile int finished;

    LimitedCall(
        ServerCall<ReqT, RespT> delegate,
        ConcurrencyLimiter limiter,
        ConcurrencyLimiter.Partition partition,
        long admittedNanos) {
      super(delegate);
      this.limiter = limiter;
      this.partition = partition;
      this.admittedNanos = admittedNanos;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      // Service code that finishes after the deadline passed or the client left still closes with
      // OK; the client never saw that answer, so it counts as a drop, not as a latency sample.
      Status.Code outcome = isCancelled() ? Status.Code.CANCELLED : status.getCode();
      try {
        super.close(status, trailers);
      } finally {
        finish(outcome);
      }
    }

    void finish(Status.Code code) {
      if (!FINISHED.compareAndSet(this, 0, 1)) {
        return;
      }
      switch (code) {
        case OK -> limiter.onSuccess(partition, System.nanoTime() - admittedNanos);
        case CANCELLED, DEADLINE_EXCEEDED -> limiter.onDropped(partition);
        default -> limiter.onIgnored(partition);
      }
    }
  }

  /**
   * Releases the call's slot when the client cancels it or its deadline passes before it closes.
   */
  static final class LimitedListener<ReqT> extends SimpleForwardingServerCallListener<ReqT> {
    private final LimitedCall<ReqT, ?> call;

    LimitedListener(ServerCall.Listener<ReqT> delegate, LimitedCall<ReqT, ?> call) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onCancel() {
      try {
        super.onCancel();
      } finally {
        call.finish(Status.Code.CANCELLED);
      }
    }

    @Override
    public void onComplete() {
      try {
        super.onComplete();
      } finally {
        // Normally close() has reported already; this covers a call completed without close().
        call.finish(Status.Code.UNKNOWN);
      }
    }
  }
}
