package dev.datapunk.mesh.processor.model;

import java.util.List;
import java.util.Optional;

/**
 * The resolved policy of one RPC method.
 *
 * @param access who may call the method
 * @param scopes the scopes a token must all carry; empty unless {@link Access#SECURED}
 * @param rateLimit the compiled-in rate limit, if any
 */
public record PolicyModel(Access access, List<String> scopes, Optional<RateLimitModel> rateLimit) {

  public PolicyModel {
    scopes = List.copyOf(scopes);
    if ((access == Access.SECURED) == scopes.isEmpty()) {
      throw new IllegalArgumentException("scopes must be given exactly when access is SECURED");
    }
  }

  /** E.g. {@code scopes inventory:read; 50 rps, burst 100} or {@code open; no rate limit}. */
  public String describe() {
    String who =
        switch (access) {
          case OPEN -> "open";
          case PUBLIC -> "public";
          case SECURED -> "scopes " + String.join(", ", scopes);
        };
    return who + "; " + rateLimit.map(RateLimitModel::describe).orElse("no rate limit");
  }
}
