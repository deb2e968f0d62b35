package dev.datapunk.mesh.runtime.errors;

import io.grpc.Metadata;
import io.grpc.StatusException;

/**
 * Turns one type of exception into the status (and trailers) a call ends with. Generated code
 * implements it with a lambda that calls a {@code @MeshExceptionHandler} method and converts its
 * result with {@link HandlerResults#of}.
 *
 * <p>Handlers run on the thread that raised the exception, possibly for many calls at once. An
 * exception thrown by a handler, a {@code null} result or an {@code OK} status ends the call with
 * {@code UNKNOWN} and is logged.
 *
 * @param <E> the exception type handled
 */
@FunctionalInterface
public interface ExceptionHandler<E extends Exception> {

  /**
   * The status {@code exception} ends the call with.
   *
   * @param exception the exception raised
   * @param trailers the trailers the call ends with; entries the handler adds are sent
   */
  StatusException handle(E exception, Metadata trailers);
}
