package dev.datapunk.mesh.runtime.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/** Ends a call before it reaches the service, with a status and no trailers of interest. */
final class Rejections {

  @SuppressWarnings("rawtypes")
  private static final ServerCall.Listener NOOP = new ServerCall.Listener() {};

  private Rejections() {}

  @SuppressWarnings("unchecked")
  static <ReqT, RespT> ServerCall.Listener<ReqT> reject(ServerCall<ReqT, RespT> call, Status status) {
    call.close(status, new Metadata());
    return NOOP;
  }
}
