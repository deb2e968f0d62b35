package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The limiter of one method on Redis: builds the bucket key of a client and hands the decision to
 * its {@link RedisRateLimiterBackend}, with the method's in-process limiter for the {@code local}
 * failure mode.
 */
final class RedisMethodRateLimiter implements MethodRateLimiter {

  private final String fullMethodName;
  private final String keyStart;

  /** {@link #keyStart} in UTF-8, written before the client key on every decision. */
  private final byte[] keyStartBytes;

  private final RedisRateLimiterBackend backend;

  /** The in-process limiter with the same limits (failure mode local), else null. */
  private final MethodRateLimiter fallback;

  private volatile Limit limit;

  /**
   * A spec with its script arguments (encoded once, see {@link GcraCommandArguments}), swapped as
   * one.
   */
  @SuppressWarnings(
      "ArrayRecordComponent") // never compared or hashed; the bytes are sent as they are
  record Limit(RateLimitSpec spec, byte[] arguments) {
    static Limit of(RateLimitSpec spec) {
      return new Limit(
          spec,
          GcraCommandArguments.limitArguments(
              GcraScript.intervalArgument(spec), GcraScript.burstArgument(spec)));
    }
  }

  RedisMethodRateLimiter(
      String fullMethodName,
      RateLimitSpec spec,
      String prefix,
      RedisRateLimiterBackend backend,
      MethodRateLimiter fallback) {
    this.fullMethodName = fullMethodName;
    this.keyStart = prefix + "{" + fullMethodName + "|";
    this.keyStartBytes = keyStart.getBytes(StandardCharsets.UTF_8);
    this.backend = backend;
    this.fallback = fallback;
    this.limit = Limit.of(spec);
  }

  @Override
  public String fullMethodName() {
    return fullMethodName;
  }

  @Override
  public long tryAcquire(String clientKey) {
    Objects.requireNonNull(clientKey, "clientKey");
    return backend.decide(
        new GcraCommandArguments(keyStartBytes, clientKey, limit.arguments()), fallback, clientKey);
  }

  @Override
  public RateLimitSpec spec() {
    return limit.spec();
  }

  /**
   * Replaces the limit. Redis carries each bucket over on its next decision (see {@link
   * GcraScript}): it keeps the tokens it holds at that moment, clamped to the new burst, so a
   * bucket refills at the old rate until its client's next call, where the local limiter converts
   * every bucket at the instant of the update.
   */
  @Override
  public void updateSpec(RateLimitSpec newSpec) {
    Objects.requireNonNull(newSpec, "newSpec");
    synchronized (this) {
      if (fallback != null) {
        fallback.updateSpec(newSpec);
      }
      limit = Limit.of(newSpec);
    }
  }

  /**
   * The Redis key of {@code clientKey}'s bucket: {@code <prefix>{<full/Method>|<clientKey>}}. The
   * braces are a Redis Cluster hash tag, so the key's slot depends only on method and client. (A
   * decision writes this key's bytes without building the String: {@link GcraCommandArguments}.)
   */
  String keyOf(String clientKey) {
    return keyStart + clientKey + "}";
  }

  @Override
  public String toString() {
    return "RedisMethodRateLimiter[" + fullMethodName + ": " + limit.spec() + "]";
  }
}
