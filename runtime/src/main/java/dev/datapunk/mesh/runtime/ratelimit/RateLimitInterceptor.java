package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.chain.AdmissionListener;
import dev.datapunk.mesh.runtime.chain.CallRejections;
import dev.datapunk.mesh.runtime.metrics.RateLimitDecisionMeter;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * The rate-limit stage of one {@code @RateLimit} method: takes one token from the caller's bucket
 * when the call starts (whatever the call's kind), or ends the call with {@code RESOURCE_EXHAUSTED}
 * and the time until the next token.
 */
final class RateLimitInterceptor implements ServerInterceptor {

  private final String fullMethodName;
  private final MethodRateLimiter limiter;
  private final RateLimitDecisionMeter decisions;
  private final AdmissionListener listener;

  RateLimitInterceptor(
      String fullMethodName,
      MethodRateLimiter limiter,
      RateLimitDecisionMeter decisions,
      AdmissionListener listener) {
    this.fullMethodName = fullMethodName;
    this.limiter = limiter;
    this.decisions = decisions;
    this.listener = listener;
  }

  MethodRateLimiter limiter() {
    return limiter;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    long retryNanos = limiter.tryAcquire(ClientKeys.of(call.getAttributes()));
    if (retryNanos == 0) {
      decisions.allowed();
      listener.onAdmission(true, 0);
      return next.startCall(call, headers);
    }
    decisions.rejected();
    listener.onAdmission(false, retryNanos);
    return CallRejections.reject(
        call, RateLimitRejection.of(fullMethodName, limiter.spec(), retryNanos));
  }
}
