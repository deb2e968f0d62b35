package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Opens one RPC method to callers without a bearer token, removing a class-level {@link Secured}.
 *
 * <p>Only for methods that override an RPC method of the service's {@code ImplBase}, and never
 * together with {@code @Secured} on the same method. Transport security is unaffected: with mTLS
 * on, a caller still needs a valid client certificate. A {@code @RateLimit} on the class still
 * applies to a public method.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Public {}
