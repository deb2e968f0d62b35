package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Adds a call stage of the application to the per-call chain of the compilation's services.
 *
 * <p>The class implements {@code dev.datapunk.mesh.runtime.chain.CallStage}: when the server
 * starts, it is asked once per RPC method for the {@code io.grpc.ServerInterceptor} that method
 * needs, or {@code null} for none. It must be a concrete, public, non-generic, top-level or static
 * nested class with a public no-argument constructor; the generated bootstrap creates one instance.
 *
 * <p><b>Where in the chain.</b> Below every mesh stage and just above the service: metrics,
 * identity allow list, authentication, authorization, rate limit, adaptive limit, request parsing,
 * then the user stages, then the service. A call refused by security, a rate limit or the adaptive
 * limit, or whose request does not parse, never reaches a user stage; a user stage sees the
 * verified caller ({@code MeshPrincipal.current()}). Its exceptions are mapped by the exception
 * handlers like the service's, and the metrics stage counts the calls it ends.
 *
 * <p><b>Order.</b> By {@link #order()}, lowest outermost; equal orders by qualified class name.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface MeshStage {

  /** Position among the user stages: lower runs first (further from the service). */
  int order() default 0;

  /**
   * The {@link MeshService} classes of this compilation whose methods the stage applies to; every
   * service of the compilation when empty.
   */
  Class<?>[] services() default {};
}
