package dev.datapunk.mesh.runtime.ratelimit;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import io.grpc.StatusException;
import io.grpc.protobuf.StatusProto;

/**
 * The status of a call refused by a rate limit: {@code RESOURCE_EXHAUSTED} (never {@code
 * UNAVAILABLE}, which client retry policies retry blindly) with {@code google.rpc.RetryInfo} (time
 * until the next token) and {@code google.rpc.QuotaFailure} (the method's limit) in the status
 * details, and a short message such as {@code rate limit exceeded for pkg.Svc/Method: 5 rps, burst 5}.
 */
final class RateLimitRejection {

  private RateLimitRejection() {}

  static String message(String fullMethodName, RateLimitSpec spec) {
    return "rate limit exceeded for " + fullMethodName + ": " + spec;
  }

  static StatusException of(String fullMethodName, RateLimitSpec spec, long retryNanos) {
    String message = message(fullMethodName, spec);
    long nanos = Math.max(retryNanos, 1L);
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage(message)
        .addDetails(Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(Duration.newBuilder()
                .setSeconds(nanos / 1_000_000_000L)
                .setNanos((int) (nanos % 1_000_000_000L)))
            .build()))
        .addDetails(Any.pack(QuotaFailure.newBuilder()
            .addViolations(QuotaFailure.Violation.newBuilder()
                .setSubject("client")
                .setDescription(spec + " per client for " + fullMethodName))
            .build()))
        .build();
    return StatusProto.toStatusException(status);
  }
}
