package dev.datapunk.mesh.runtime.ratelimit;

import com.google.rpc.QuotaFailure;
import dev.datapunk.mesh.runtime.chain.RetryLater;
import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import io.grpc.StatusException;

/**
 * The status of a call refused by a rate limit: {@code RESOURCE_EXHAUSTED} (never {@code
 * UNAVAILABLE}, which client retry policies retry blindly) with {@code google.rpc.RetryInfo} (time
 * until the next token, also as the {@code grpc-retry-pushback-ms} trailer: {@link RetryLater}) and
 * {@code google.rpc.QuotaFailure} (the method's limit) in the status details, and a short message
 * such as {@code rate limit exceeded for pkg.Svc/Method: 5 rps, burst 5}.
 */
final class RateLimitRejection {

  private RateLimitRejection() {}

  static String message(String fullMethodName, RateLimitSpec spec) {
    return "rate limit exceeded for " + fullMethodName + ": " + spec;
  }

  static StatusException of(String fullMethodName, RateLimitSpec spec, long retryNanos) {
    return RetryLater.resourceExhausted(
        message(fullMethodName, spec),
        retryNanos,
        QuotaFailure.newBuilder()
            .addViolations(
                QuotaFailure.Violation.newBuilder()
                    .setSubject("client")
                    .setDescription(spec + " per client for " + fullMethodName))
            .build());
  }
}
