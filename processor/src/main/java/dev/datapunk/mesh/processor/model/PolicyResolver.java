package dev.datapunk.mesh.processor.model;

import java.util.List;

/**
 * Resolves the policy of one RPC method from its own annotations and its class's.
 *
 * <ul>
 *   <li>A method-level {@code @Secured} replaces the class-level one: its scopes, and only its
 *       scopes, are required. Lists are never merged (merging widens or narrows access in ways the
 *       author did not write).
 *   <li>{@code @Public} on the method removes a class-level {@code @Secured}.
 *   <li>A method-level {@code @RateLimit} replaces the class-level one; {@code @Public} does not
 *       remove a class-level {@code @RateLimit}.
 * </ul>
 */
public final class PolicyResolver {

  private PolicyResolver() {}

  /** The policy of a method declaring {@code method} in a class declaring {@code type}. */
  public static PolicyModel resolve(DeclaredPolicy type, DeclaredPolicy method) {
    Access access;
    List<String> scopes;
    if (method.publicAccess()) {
      access = Access.PUBLIC;
      scopes = List.of();
    } else if (method.scopes().isPresent()) {
      access = Access.SECURED;
      scopes = method.scopes().get();
    } else if (type.scopes().isPresent()) {
      access = Access.SECURED;
      scopes = type.scopes().get();
    } else {
      access = Access.OPEN;
      scopes = List.of();
    }
    return new PolicyModel(access, scopes, method.rateLimit().or(type::rateLimit));
  }
}
