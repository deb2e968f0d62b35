package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Requires a valid bearer token carrying <em>all</em> of the listed scopes.
 *
 * <p>A call to a secured method must carry exactly one {@code authorization: Bearer <token>}
 * header. No token, or a token that is malformed, badly signed, expired or issued for someone else,
 * ends the call with {@code UNAUTHENTICATED}; a valid token that lacks any one of the {@link
 * #scopes()} ends it with {@code PERMISSION_DENIED}. Neither reaches the service code, and no error
 * message repeats the token.
 *
 * <p>On the class, the annotation is the policy of every RPC method that has no {@code @Secured} or
 * {@link Public} of its own. On a method it <em>replaces</em> the class-level scopes: the two lists
 * are never merged. {@code @Secured(scopes = "a")} on the class and {@code @Secured(scopes = "b")}
 * on a method means that method needs exactly scope {@code b}.
 *
 * <p>Scopes follow RFC 6749 section 3.3: non-empty, printable ASCII without space, {@code "} or
 * {@code \}; the list must not be empty and must not repeat a scope.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Secured {

  /** The scopes a caller's token must all carry. */
  String[] scopes();
}
