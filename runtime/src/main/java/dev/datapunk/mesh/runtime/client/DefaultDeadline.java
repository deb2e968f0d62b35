package dev.datapunk.mesh.runtime.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives a call without a deadline the client's default one ({@code client.<name>.deadline}). A call
 * has a deadline when its stub set one ({@code withDeadlineAfter}) or when it is made inside a call
 * that has one: the server call's {@link Context} carries the caller's deadline, and grpc-java
 * sends the earlier of the two as {@code grpc-timeout}, so the next server sees what is left of it.
 */
final class DefaultDeadline implements ClientInterceptor {

  private final long nanos;

  DefaultDeadline(Duration deadline) {
    this.nanos = deadline.toNanos();
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    if (callOptions.getDeadline() == null && Context.current().getDeadline() == null) {
      return next.newCall(method, callOptions.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS));
    }
    return next.newCall(method, callOptions);
  }
}
