/**
 * Model stage: immutable descriptions of what to generate, built from validated elements.
 *
 * <p>{@link dev.datapunk.mesh.processor.model.PolicyResolver} holds the policy semantics users rely
 * on: a method-level annotation replaces the class-level one of the same kind (never merged), and
 * {@code @Public} on a method removes a class-level {@code @Secured} but keeps a class-level
 * {@code @RateLimit}.
 */
package dev.datapunk.mesh.processor.model;
