package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ReloadTarget;
import dev.datapunk.mesh.runtime.limits.AdaptiveLimitStage;
import dev.datapunk.mesh.runtime.ratelimit.RateLimitStage;

/**
 * Where reloaded limits go: {@code ratelimit.override.*} to the {@link RateLimitStage} and {@code
 * limits.adaptive.*} (all but {@code per-method}) to the {@link AdaptiveLimitStage}. A setting of a
 * method no mesh service of this server has is rejected as at start; a value a stage refuses
 * rejects the reload with the stage's message.
 */
final class LimitReload implements ReloadTarget {

  private final ConfiguredMethods methods;
  private final RateLimitStage rateLimits;
  private final AdaptiveLimitStage adaptiveLimits;

  LimitReload(
      ConfiguredMethods methods, RateLimitStage rateLimits, AdaptiveLimitStage adaptiveLimits) {
    this.methods = methods;
    this.rateLimits = rateLimits;
    this.adaptiveLimits = adaptiveLimits;
  }

  @Override
  public Runnable prepare(MeshConfig next) {
    methods.check(next);
    try {
      Runnable overrides = rateLimits.prepareOverrides(next.rateLimit().overrides());
      Runnable adaptive = adaptiveLimits.reload(next.limits());
      return () -> {
        overrides.run();
        adaptive.run();
      };
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "LimitReload[ratelimit.override.*, limits.adaptive.*]";
  }
}
