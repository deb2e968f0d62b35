package dev.datapunk.mesh.runtime.chain;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;

/**
 * Ends a call inside a stage, before it reaches the service: closes it with a status and hands
 * grpc-java a listener that ignores whatever the client still sends. Shared by every stage that
 * refuses calls, so refusing allocates nothing beyond the status itself.
 */
public final class CallRejections {

  @SuppressWarnings("rawtypes")
  private static final ServerCall.Listener IGNORE_REST = new ServerCall.Listener() {};

  private CallRejections() {}

  /** Closes {@code call} with {@code status} and empty trailers. */
  public static <ReqT> ServerCall.Listener<ReqT> reject(ServerCall<ReqT, ?> call, Status status) {
    return reject(call, status, new Metadata());
  }

  /** Closes {@code call} with the status and trailers (status details) of {@code rejection}. */
  public static <ReqT> ServerCall.Listener<ReqT> reject(
      ServerCall<ReqT, ?> call, StatusException rejection) {
    Metadata trailers = rejection.getTrailers();
    return reject(call, rejection.getStatus(), trailers == null ? new Metadata() : trailers);
  }

  @SuppressWarnings("unchecked")
  private static <ReqT> ServerCall.Listener<ReqT> reject(
      ServerCall<ReqT, ?> call, Status status, Metadata trailers) {
    call.close(status, trailers);
    return IGNORE_REST;
  }
}
