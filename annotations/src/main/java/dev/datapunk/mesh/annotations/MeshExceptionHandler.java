package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps an exception type to the gRPC status a call ends with, instead of {@code UNKNOWN}.
 *
 * <p>The method's first parameter is the exception type handled (a subtype of {@link Exception});
 * an optional second parameter of type {@code io.grpc.Metadata} receives the call's trailers to add
 * to. It returns one of:
 *
 * <ul>
 *   <li>{@code io.grpc.Status}: the code and description sent;
 *   <li>{@code io.grpc.StatusRuntimeException} or {@code io.grpc.StatusException}: its status, and
 *       its trailers added to the call's;
 *   <li>{@code com.google.rpc.Status}: its code and message, and the whole status (its {@code
 *       details}, e.g. {@code google.rpc.BadRequest}) in the {@code grpc-status-details-bin}
 *       trailer, as {@code io.grpc.protobuf.StatusProto} sends rich errors.
 * </ul>
 *
 * <p>It declares no type parameters and throws no checked exception.
 *
 * <p><b>Where.</b> On a method of a {@link MeshService} class (instance or static, not private), it
 * applies to that service's calls. On a {@code public static} method of a {@link MeshAdvice} class,
 * it applies to every service of the compilation. Anywhere else it is a compile error.
 *
 * <p><b>Which handler.</b> An exception raised while serving a call (thrown by service code or by a
 * stage, or passed to {@code StreamObserver.onError}) is handled by the handler of its most
 * specific type among the service's and the global handlers; when both scopes handle the same type,
 * the service's own wins. The order is decided at compile time: the generated code tests the
 * handled types from the most to the least specific, with {@code instanceof} checks. One scope may
 * handle each type once.
 *
 * <p><b>What the client sees.</b> The status the handler returns, description as written (a
 * description is the handler's choice; the exception's stack trace is never sent). The metrics
 * stage records that same status. An exception no handler maps ends the call with {@code UNKNOWN}
 * "application error" and is logged with its stack trace. A handler that throws, returns {@code
 * null} or returns {@code OK} is logged and the call ends {@code UNKNOWN}. A {@code
 * StatusRuntimeException} passed to {@code onError} keeps its status; one thrown is an exception
 * like any other (grpc-java does the same), so a handler may map it.
 *
 * <pre>{@code
 * @MeshExceptionHandler
 * Status notFound(ItemNotFoundException e) {
 *   return Status.NOT_FOUND.withDescription("no item " + e.sku());
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface MeshExceptionHandler {}
