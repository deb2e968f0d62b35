package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A configured replacement for parts of a method's {@code @RateLimit}, from {@code
 * ratelimit.override.<full/Method>.rps} and {@code .burst}. Either part may be absent, in which
 * case the annotation's value stays.
 *
 * @param rps the replacement refill rate, if configured
 * @param burst the replacement bucket size, if configured
 */
public record RateLimitOverride(OptionalDouble rps, OptionalInt burst) {

  public RateLimitOverride {
    Objects.requireNonNull(rps, "rps");
    Objects.requireNonNull(burst, "burst");
  }

  /** The limit that applies to a method annotated with {@code annotated}. */
  public RateLimitSpec applyTo(RateLimitSpec annotated) {
    return new RateLimitSpec(rps.orElse(annotated.rps()), burst.orElse(annotated.burst()));
  }
}
