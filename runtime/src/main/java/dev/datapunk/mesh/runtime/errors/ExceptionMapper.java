package dev.datapunk.mesh.runtime.errors;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * Decides the status a call of one service ends with when an exception is raised while serving it:
 * the status of the most specific handler among the service's own and the global ones (the
 * service's own on a tie), else {@code UNKNOWN} "application error".
 *
 * <p>Built once per service when the server starts; used by the metrics stage, outermost in the
 * chain, so the status it records is the one the client sees. The exception itself never reaches
 * the client: an unhandled one is logged with its stack trace, and the client sees only {@code
 * UNKNOWN} "application error"; a handled one is logged at DEBUG, and the client sees the status
 * its handler chose, description included.
 *
 * <p>The status returned keeps the exception as its {@linkplain Status#getCause() cause}: grpc-java
 * never sends a cause, and the stages outside the metrics stage (tracing) learn from it that an
 * exception ended the call.
 */
public final class ExceptionMapper {

  /** Maps every exception to {@code UNKNOWN}. */
  public static final ExceptionMapper UNMAPPED =
      new ExceptionMapper(ExceptionHandlers.none(), ExceptionHandlers.none());

  /** The description of the status of an exception no handler maps. */
  public static final String APPLICATION_ERROR = "application error";

  private static final Logger log = MeshLoggers.getLogger(ExceptionMapper.class);

  private final ExceptionHandlers service;
  private final ExceptionHandlers global;

  private ExceptionMapper(ExceptionHandlers service, ExceptionHandlers global) {
    this.service = service;
    this.global = global;
  }

  /** A mapper trying {@code service}'s handlers and {@code global}'s. */
  public static ExceptionMapper of(ExceptionHandlers service, ExceptionHandlers global) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(global, "global");
    return service.isEmpty() && global.isEmpty() ? UNMAPPED : new ExceptionMapper(service, global);
  }

  /**
   * The status and trailers {@code failure}, raised during a call of {@code method}, ends that call
   * with. Never throws (an {@link Error} thrown by a handler aside).
   *
   * @param failure what service code or a stage threw, or passed to {@code onError}
   * @param method the full method name, for the log
   * @param trailers the trailers the call would have ended with; a handler adds to a copy
   * @return the status, with {@code failure} as its cause, and the trailers
   */
  public StatusException map(Throwable failure, String method, Metadata trailers) {
    ExceptionHandlers.Entry<?> handler =
        failure instanceof Exception exception ? handlerFor(exception) : null;
    if (handler == null) {
      log.warn("{} failed with an uncaught exception", method, failure);
      return applicationError(failure, trailers);
    }
    String type = handler.type().getName();
    Metadata copy = new Metadata();
    copy.merge(trailers);
    StatusException mapped;
    try {
      mapped = handler.handle((Exception) failure, copy);
    } catch (RuntimeException handlerFailure) {
      log.warn(
          "{}: the exception handler for {} threw; the call ends UNKNOWN",
          method,
          type,
          handlerFailure);
      log.warn("{} failed with an exception its handler could not map", method, failure);
      return applicationError(failure, trailers);
    }
    if (mapped.getStatus().isOk()) {
      log.warn(
          "{}: the exception handler for {} returned OK, but an exception must end the call with an"
              + " error status; the call ends UNKNOWN",
          method,
          type,
          failure);
      return applicationError(failure, trailers);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "{} ends {} by the exception handler for {}",
          method,
          mapped.getStatus().getCode(),
          type,
          failure);
    }
    return new StatusException(mapped.getStatus().withCause(failure), mapped.getTrailers());
  }

  /**
   * The most specific handler for {@code exception}; the service's own when both scopes have the
   * same type.
   */
  private ExceptionHandlers.Entry<?> handlerFor(Exception exception) {
    ExceptionHandlers.Entry<?> own = service.match(exception);
    ExceptionHandlers.Entry<?> shared = global.match(exception);
    if (own == null || shared == null) {
      return own == null ? shared : own;
    }
    boolean sharedIsNarrower =
        own.type() != shared.type() && own.type().isAssignableFrom(shared.type());
    return sharedIsNarrower ? shared : own;
  }

  private static StatusException applicationError(Throwable failure, Metadata trailers) {
    return new StatusException(
        Status.UNKNOWN.withDescription(APPLICATION_ERROR).withCause(failure), trailers);
  }
}
