package dev.datapunk.mesh.runtime.chain;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** A call handler that runs one interceptor in front of the next handler. */
final class InterceptedCallHandler<ReqT, RespT> implements ServerCallHandler<ReqT, RespT> {

  private final ServerInterceptor interceptor;
  private final ServerCallHandler<ReqT, RespT> next;

  InterceptedCallHandler(ServerInterceptor interceptor, ServerCallHandler<ReqT, RespT> next) {
    this.interceptor = interceptor;
    this.next = next;
  }

  @Override
  public ServerCall.Listener<ReqT> startCall(ServerCall<ReqT, RespT> call, Metadata headers) {
    return interceptor.interceptCall(call, headers, next);
  }

  ServerInterceptor interceptor() {
    return interceptor;
  }

  ServerCallHandler<ReqT, RespT> next() {
    return next;
  }
}
