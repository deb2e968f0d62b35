package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose {@code public static} {@link MeshExceptionHandler} methods apply to every
 * mesh service of the compilation (global handlers).
 *
 * <p>The class must be public, and so must every class enclosing it; it is never instantiated. It
 * must not be a {@link MeshService} class (a service's own handlers go on the service). All
 * {@code @MeshAdvice} classes of a compilation form one scope: two of their handlers must not
 * handle the same exception type. A service's own handler of the same type wins over a global one.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface MeshAdvice {}
