package dev.datapunk.mesh.runtime.limits;

import dev.datapunk.mesh.runtime.chain.RetryLater;
import io.grpc.StatusException;

/**
 * The status of a call refused by an adaptive concurrency limit: {@code RESOURCE_EXHAUSTED} (never
 * {@code UNAVAILABLE}, which client retry policies retry blindly) with {@code google.rpc.RetryInfo}
 * and the {@code grpc-retry-pushback-ms} trailer (about one recent call latency; {@link
 * RetryLater}) and a message such as {@code concurrency limit reached for pkg.Svc/Method (server
 * limit 12)}.
 */
final class ConcurrencyRejection {

  private ConcurrencyRejection() {}

  /**
   * The refusal of a call of {@code fullMethodName} by {@code limiter}, to retry after {@code
   * nanos}.
   */
  static StatusException of(String fullMethodName, ConcurrencyLimiter limiter, long nanos) {
    return RetryLater.resourceExhausted(
        "concurrency limit reached for "
            + fullMethodName
            + " ("
            + limiter.name()
            + " limit "
            + limiter.limit()
            + ")",
        nanos);
  }
}
