/**
 * Call-path security: bearer-token verification, the caller's principal, and the authentication and
 * authorization stages of the per-call chain.
 *
 * <p>{@code AuthorizationHeader} (package-private) is the runtime's one use of grpc-java internal
 * API ({@code io.grpc.InternalMetadata}): it reads the {@code authorization} header as the
 * transport's bytes so a cached token is verified without a copy; its Javadoc gives the reason.
 */
package dev.datapunk.mesh.runtime.security;
