package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a dependency health check with the server the generated bootstrap starts.
 *
 * <p>The class implements {@code dev.datapunk.mesh.runtime.health.HealthCheck} and must be a
 * concrete, public, non-generic, top-level or static nested class with a public no-argument
 * constructor; the generated bootstrap creates one instance. The check runs every {@code
 * health.check-interval} on the mesh's health thread, never on a call; while it fails (returns
 * false or throws), grpc.health.v1 answers NOT_SERVING for the server and every service.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface MeshHealthCheck {}
