package dev.datapunk.mesh.runtime.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Retries unary calls as {@link RetryRule} allows. Each attempt is a new call on the next channel
 * layer with the same call options (so the same absolute deadline) and a copy of the original
 * headers, started in the {@link Context} the call was made in (so a cancelled server call still
 * cancels it, also while it waits to be retried, and the inherited deadline still applies). An
 * attempt counts as answered once it delivers response headers or a message: from then on its
 * outcome is the call's, whatever it is. Streaming calls pass through untouched.
 */
final class Retries implements ClientInterceptor {

  private final RetryRule rule;
  private final ScheduledExecutorService scheduler;
  private final BiConsumer<MethodDescriptor<?, ?>, RetryRule.Reason> onRetry;

  /**
   * @param scheduler runs the waits; an attempt is started on it, so nothing blocks it
   * @param onRetry told about every retry before its wait starts
   */
  Retries(
      RetryRule rule,
      ScheduledExecutorService scheduler,
      BiConsumer<MethodDescriptor<?, ?>, RetryRule.Reason> onRetry) {
    this.rule = rule;
    this.scheduler = scheduler;
    this.onRetry = onRetry;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    if (rule.maxAttempts() == 1 || method.getType() != MethodDescriptor.MethodType.UNARY) {
      return next.newCall(method, callOptions);
    }
    return new RetryingCall<>(method, callOptions, next, Context.current());
  }

  /** One unary call and its attempts. Every field is guarded by {@code this}. */
  private final class RetryingCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {

    private final MethodDescriptor<ReqT, RespT> method;
    private final CallOptions callOptions;
    private final Channel next;
    private final Context context;
    private final Context.CancellationListener onContextCancelled =
        cancelledContext ->
            cancel("cancelled while waiting to retry", cancelledContext.cancellationCause());

    private Listener<RespT> listener;
    private Metadata headers;
    private int requested;
    private ReqT message;
    private boolean halfClosed;
    private Boolean compression;

    private int attempt;
    private ClientCall<ReqT, RespT> current;
    private boolean answered;
    private boolean cancelled;
    private boolean closed;
    private ScheduledFuture<?> waiting;

    RetryingCall(
        MethodDescriptor<ReqT, RespT> method,
        CallOptions callOptions,
        Channel next,
        Context context) {
      this.method = method;
      this.callOptions = callOptions;
      this.next = next;
      this.context = context;
    }

    @Override
    public void start(Listener<RespT> responseListener, Metadata requestHeaders) {
      synchronized (this) {
        listener = responseListener;
        headers = new Metadata();
        headers.merge(requestHeaders);
        if (!cancelled) {
          startAttempt();
          return;
        }
      }
      closeCancelled("call cancelled before it started", null);
    }

    @Override
    public synchronized void request(int numMessages) {
      requested += numMessages;
      if (current != null) {
        current.request(numMessages);
      }
    }

    @Override
    public synchronized void sendMessage(ReqT request) {
      message = request;
      if (current != null) {
        current.sendMessage(request);
      }
    }

    @Override
    public synchronized void halfClose() {
      halfClosed = true;
      if (current != null) {
        current.halfClose();
      }
    }

    @Override
    public synchronized void setMessageCompression(boolean enabled) {
      compression = enabled;
      if (current != null) {
        current.setMessageCompression(enabled);
      }
    }

    @Override
    public synchronized boolean isReady() {
      return current != null && current.isReady();
    }

    @Override
    public synchronized io.grpc.Attributes getAttributes() {
      return current == null ? io.grpc.Attributes.EMPTY : current.getAttributes();
    }

    @Override
    public void cancel(String cancelMessage, Throwable cause) {
      ClientCall<ReqT, RespT> attemptToCancel;
      synchronized (this) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        if (listener == null) {
          return;
        }
        attemptToCancel = current;
        if (waiting != null && waiting.cancel(false)) {
          attemptToCancel = null;
        }
      }
      if (attemptToCancel != null) {
        attemptToCancel.cancel(cancelMessage, cause);
      } else {
        closeCancelled(cancelMessage, cause);
      }
    }

    /** Starts the next attempt and replays what the caller has done so far. Holds the lock. */
    private void startAttempt() {
      attempt++;
      RequestSent sent = new RequestSent();
      current = next.newCall(method, callOptions.withStreamTracerFactory(sent));
      Metadata attemptHeaders = new Metadata();
      attemptHeaders.merge(headers);
      current.start(new AttemptListener(current, sent), attemptHeaders);
      if (compression != null) {
        current.setMessageCompression(compression);
      }
      if (requested > 0) {
        current.request(requested);
      }
      if (message != null) {
        current.sendMessage(message);
      }
      if (halfClosed) {
        current.halfClose();
      }
    }

    /** Runs on the scheduler when a wait is over. */
    private void retry() {
      context.removeListener(onContextCancelled);
      boolean wasCancelled;
      synchronized (this) {
        waiting = null;
        wasCancelled = cancelled;
        if (!wasCancelled) {
          context.run(this::startAttempt);
        }
      }
      if (wasCancelled) {
        closeCancelled("call cancelled while waiting to retry", null);
      }
    }

    private long remainingNanos() {
      Deadline deadline = callOptions.getDeadline();
      Deadline inherited = context.getDeadline();
      if (inherited != null && (deadline == null || inherited.isBefore(deadline))) {
        deadline = inherited;
      }
      return deadline == null ? Long.MAX_VALUE : deadline.timeRemaining(TimeUnit.NANOSECONDS);
    }

    /**
     * Tells the caller the call is over, unless it was told already; on an attempt's callback
     * thread.
     */
    private void closeOnce(Status status, Metadata trailers) {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      listener.onClose(status, trailers);
    }

    /**
     * Ends the call as cancelled from a thread that is not an attempt's: through the call's
     * executor when it has one, as grpc delivers every callback (a blocking stub waits for its
     * executor).
     */
    private void closeCancelled(String description, Throwable cause) {
      Status status = Status.CANCELLED.withDescription(description).withCause(cause);
      Executor executor = callOptions.getExecutor();
      if (executor == null) {
        closeOnce(status, new Metadata());
      } else {
        executor.execute(() -> closeOnce(status, new Metadata()));
      }
    }

    /**
     * The listener of one attempt: forwards what the current attempt says, decides on its close.
     */
    private final class AttemptListener extends Listener<RespT> {

      private final ClientCall<ReqT, RespT> call;
      private final RequestSent sent;

      AttemptListener(ClientCall<ReqT, RespT> call, RequestSent sent) {
        this.call = call;
        this.sent = sent;
      }

      @Override
      public void onHeaders(Metadata responseHeaders) {
        synchronized (RetryingCall.this) {
          answered = true;
        }
        listener.onHeaders(responseHeaders);
      }

      @Override
      public void onMessage(RespT response) {
        synchronized (RetryingCall.this) {
          answered = true;
        }
        listener.onMessage(response);
      }

      @Override
      public void onReady() {
        synchronized (RetryingCall.this) {
          if (call != current) {
            return;
          }
        }
        listener.onReady();
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        synchronized (RetryingCall.this) {
          if (!answered && !cancelled && status.getCode() != Status.Code.OK) {
            Optional<RetryRule.Decision> decision =
                rule.decide(status, trailers, attempt, sent.sent, remainingNanos());
            if (decision.isPresent()) {
              onRetry.accept(method, decision.get().reason());
              waiting =
                  scheduler.schedule(
                      RetryingCall.this::retry, decision.get().delayNanos(), TimeUnit.NANOSECONDS);
              // No attempt is running to notice that the call being served was cancelled: listen
              // meanwhile.
              context.addListener(onContextCancelled, Runnable::run);
              return;
            }
          }
        }
        closeOnce(status, trailers);
      }
    }
  }

  /** Notes whether an attempt's request headers were written to a connection. */
  private static final class RequestSent extends ClientStreamTracer.Factory {

    volatile boolean sent;

    @Override
    public ClientStreamTracer newClientStreamTracer(
        ClientStreamTracer.StreamInfo info, Metadata headers) {
      return new ClientStreamTracer() {
        @Override
        public void outboundHeaders() {
          sent = true;
        }
      };
    }
  }
}
