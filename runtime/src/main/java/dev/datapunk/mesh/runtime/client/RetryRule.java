package dev.datapunk.mesh.runtime.client;

import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLException;

/**
 * Which failed attempts of a unary call are tried again, and after how long. Only two failures are
 * retried, because only they say that trying again is safe and useful:
 *
 * <ul>
 *   <li>{@code RESOURCE_EXHAUSTED} carrying {@code google.rpc.RetryInfo} (a mesh server's rate
 *       limit or concurrency limit): the server refused the call before running it and said when to
 *       come back. The wait is the advertised delay plus up to 20% (so clients refused together do
 *       not come back together), at most {@code retry.max-delay}; a delay longer than that is not
 *       waited for.
 *   <li>{@code UNAVAILABLE} of an attempt whose request headers never left this process (no
 *       connection, a connection refused, a server going away before the call was sent): the server
 *       cannot have run it. The wait doubles from 100 ms per attempt, with jitter, at most {@code
 *       retry.max-delay}. A TLS failure is not retried: a refused certificate or server identity
 *       does not heal in milliseconds.
 * </ul>
 *
 * <p>Anything else ({@code UNAVAILABLE} after the request was sent, {@code DEADLINE_EXCEEDED},
 * {@code RESOURCE_EXHAUSTED} without a delay such as an oversized message, application errors) is
 * returned as it is: the server may have run the call, and a non-idempotent call must not run
 * twice. No attempt is made once {@code retry.max-attempts} are used, and no wait is started that
 * would end after the call's deadline.
 */
final class RetryRule {

  /** Why an attempt is retried; the {@code reason} tag of {@code mesh.client.retries}. */
  enum Reason {
    /** RESOURCE_EXHAUSTED with a RetryInfo delay. */
    RETRY_INFO("retry_info"),
    /** UNAVAILABLE before the request was sent. */
    UNAVAILABLE("unavailable");

    private final String tag;

    Reason(String tag) {
      this.tag = tag;
    }

    String tag() {
      return tag;
    }
  }

  /** A retry after {@code delayNanos}. */
  record Decision(Reason reason, long delayNanos) {}

  static final long FIRST_BACKOFF_NANOS = 100_000_000L;
  private static final double RETRY_INFO_JITTER = 0.2;

  private final int maxAttempts;
  private final long maxDelayNanos;
  private final DoubleSupplier random;

  /**
   * @param random uniform in [0, 1)
   */
  RetryRule(ClientSettings.Retry retry, DoubleSupplier random) {
    this.maxAttempts = retry.maxAttempts();
    this.maxDelayNanos = retry.maxDelay().toNanos();
    this.random = random;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Whether to try again after attempt number {@code attempt} (1 for the first) ended with {@code
   * status} and {@code trailers}, and after how long.
   *
   * @param requestSent whether the attempt's request headers were written to a connection
   * @param remainingNanos time left until the call's deadline ({@link Long#MAX_VALUE} without one)
   */
  Optional<Decision> decide(
      Status status, Metadata trailers, int attempt, boolean requestSent, long remainingNanos) {
    if (attempt >= maxAttempts) {
      return Optional.empty();
    }
    Decision decision;
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      Optional<Long> advertised = retryInfoNanos(status, trailers);
      if (advertised.isEmpty() || advertised.get() > maxDelayNanos) {
        return Optional.empty();
      }
      long jitter = (long) (advertised.get() * RETRY_INFO_JITTER * random.getAsDouble());
      decision =
          new Decision(Reason.RETRY_INFO, Math.min(advertised.get() + jitter, maxDelayNanos));
    } else if (status.getCode() == Status.Code.UNAVAILABLE
        && !requestSent
        && !isTlsFailure(status)) {
      long backoff = Math.min(FIRST_BACKOFF_NANOS << Math.min(attempt - 1, 20), maxDelayNanos);
      decision =
          new Decision(Reason.UNAVAILABLE, (long) (backoff * (0.5 + 0.5 * random.getAsDouble())));
    } else {
      return Optional.empty();
    }
    return decision.delayNanos() < remainingNanos ? Optional.of(decision) : Optional.empty();
  }

  /** The delay of the {@code google.rpc.RetryInfo} in the status details, if there is one. */
  static Optional<Long> retryInfoNanos(Status status, Metadata trailers) {
    com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
    for (com.google.protobuf.Any detail : details.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          if (delay.getSeconds() < 0 || delay.getNanos() < 0) {
            return Optional.empty();
          }
          return Optional.of(
              Math.addExact(
                  Math.multiplyExact(delay.getSeconds(), 1_000_000_000L), delay.getNanos()));
        } catch (com.google.protobuf.InvalidProtocolBufferException | ArithmeticException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isTlsFailure(Status status) {
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException) {
        return true;
      }
    }
    return false;
  }
}
