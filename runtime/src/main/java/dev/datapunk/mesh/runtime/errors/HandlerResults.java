package dev.datapunk.mesh.runtime.errors;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * Converts what a {@code @MeshExceptionHandler} method returns into what an {@link
 * ExceptionHandler} returns: the status, with every trailer the result carries added to the call's
 * trailers. Called by generated code; a {@code null} result throws {@link NullPointerException},
 * which the mesh treats as a failed handler.
 */
public final class HandlerResults {

  private HandlerResults() {}

  /** {@code status}, with {@code trailers}. */
  public static StatusException of(Status status, Metadata trailers) {
    return new StatusException(nonNull(status), trailers);
  }

  /** The status of {@code exception}, with its trailers added to {@code trailers}. */
  public static StatusException of(StatusRuntimeException exception, Metadata trailers) {
    return withTrailers(nonNull(exception).getStatus(), exception.getTrailers(), trailers);
  }

  /** The status of {@code exception}, with its trailers added to {@code trailers}. */
  public static StatusException of(StatusException exception, Metadata trailers) {
    return withTrailers(nonNull(exception).getStatus(), exception.getTrailers(), trailers);
  }

  /**
   * The code and message of {@code status}, with {@code status} itself (its {@code details}, e.g.
   * {@code google.rpc.BadRequest}) in the {@code grpc-status-details-bin} trailer.
   */
  public static StatusException of(com.google.rpc.Status status, Metadata trailers) {
    return StatusProto.toStatusException(nonNull(status), trailers);
  }

  private static StatusException withTrailers(Status status, Metadata own, Metadata trailers) {
    if (own != null) {
      trailers.merge(own);
    }
    return new StatusException(status, trailers);
  }

  private static <T> T nonNull(T result) {
    if (result == null) {
      throw new NullPointerException("the exception handler returned null");
    }
    return result;
  }
}
