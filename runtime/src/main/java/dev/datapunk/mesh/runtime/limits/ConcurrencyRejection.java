package dev.datapunk.mesh.runtime.limits;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.StatusException;
import io.grpc.protobuf.StatusProto;

/**
 * The status of a call refused by an adaptive concurrency limit: {@code RESOURCE_EXHAUSTED} (never
 * {@code UNAVAILABLE}, which client retry policies retry blindly) with {@code google.rpc.RetryInfo}
 * (about one recent call latency) and a message such as {@code concurrency limit reached for
 * pkg.Svc/Method (server limit 12)}.
 */
final class ConcurrencyRejection {

  private ConcurrencyRejection() {}

  /** The refusal of a call of {@code fullMethodName} by {@code limiter}, to retry after {@code nanos}. */
  static StatusException of(String fullMethodName, ConcurrencyLimiter limiter, long nanos) {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage("concurrency limit reached for " + fullMethodName + " (" + limiter.name() + " limit "
            + limiter.limit() + ")")
        .addDetails(Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(Duration.newBuilder()
                .setSeconds(nanos / 1_000_000_000L)
                .setNanos((int) (nanos % 1_000_000_000L)))
            .build()))
        .build();
    return StatusProto.toStatusException(status);
  }
}
