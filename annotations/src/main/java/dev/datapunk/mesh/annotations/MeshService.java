package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a grpc-java service implementation as a mesh service.
 *
 * <p>The annotated class must be a concrete, public, top-level or static nested class that extends
 * a protoc-generated {@code *ImplBase}, with a public no-argument constructor unless a {@link
 * MeshFactory} method creates it. At compile time the Datapunk Mesh annotation processor
 *
 * <ul>
 *   <li>validates the class and every {@link Secured}, {@link RateLimit}, {@link Public} and {@link
 *       MeshExceptionHandler} on it and on its methods (misuse is a compile error on the offending
 *       element);
 *   <li>generates {@code <ClassName>_MeshBinding} next to it, which holds the resolved policy of
 *       every RPC method of the service as constants, and the table of its exception handlers; and
 *   <li>generates one bootstrap class per compilation whose {@code main(String[])} creates every
 *       mesh service (with {@code new} or its factory) and runs them in one server, with the
 *       compilation's {@link MeshStage}s, {@link MeshHealthCheck}s and {@link MeshAdvice} handlers.
 * </ul>
 *
 * <p>Two {@code @MeshService} classes must not implement the same gRPC service.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface MeshService {}
