package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua script that takes one decision inside Redis: the same GCRA token bucket as the local
 * limiter, timed by Redis's own clock ({@code TIME}), so replicas with skewed clocks agree.
 *
 * <p>Arguments: {@code KEYS[1]} the bucket key; {@code ARGV[1]} the emission interval T in
 * microseconds (a decimal, e.g. {@code 333333.333} for 3 rps); {@code ARGV[2]} the burst. Reply:
 * {@code 0} when a token was taken, else the nanoseconds until the next token.
 *
 * <p>The key holds {@code "<tat> <T> <burst>"}: the theoretical arrival time in microseconds of
 * Redis's clock, and the limit it was written under. A bucket written under another limit (a
 * replica with an older or newer spec, or an update) is carried over as the local limiter does: it
 * keeps the tokens it holds now, clamped to the new burst, and misses the rest at the new rate; so
 * alternating limits never create tokens. An admitted call sets the key's TTL to the time until the
 * bucket is full again (rounded up to a millisecond), after which the key carries no information
 * and Redis drops it; a refused call writes nothing unless it carried the bucket over. A new or
 * expired key is a full bucket.
 *
 * <p>Lua numbers are doubles: TATs near 1.8e15 microseconds keep a quarter-microsecond resolution,
 * so T is exact to a fraction of a percent for any limit below about 100,000 rps per client.
 */
final class GcraScript {

  /** The script's source. Redis caches it under {@link #SHA1}. */
  static final String SOURCE =
      """
      local interval = tonumber(ARGV[1])
      local burst = tonumber(ARGV[2])
      local clock = redis.call('TIME')
      local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
      local tat = now
      local carried = false
      local stored = redis.call('GET', KEYS[1])
      if stored then
        local storedTat, storedInterval, storedBurst = string.match(stored, '^(%S+) (%S+) (%S+)$')
        if storedTat then
          tat = math.max(tonumber(storedTat), now)
          if storedInterval ~= ARGV[1] or storedBurst ~= ARGV[2] then
            local missing = (tat - now) / tonumber(storedInterval) + burst - tonumber(storedBurst)
            if missing < 0 then missing = 0 end
            tat = now + missing * interval
            carried = true
          end
        end
      end
      local wait = tat - (burst - 1) * interval - now
      if wait > 0 then
        if carried then
          redis.call('SET', KEYS[1], string.format('%.17g %s %s', tat, ARGV[1], ARGV[2]),
            'PX', string.format('%.0f', math.ceil((tat - now) / 1000)))
        end
        return math.ceil(wait * 1000)
      end
      local nextTat = tat + interval
      redis.call('SET', KEYS[1], string.format('%.17g %s %s', nextTat, ARGV[1], ARGV[2]),
        'PX', string.format('%.0f', math.max(1, math.ceil((nextTat - now) / 1000))))
      return 0
      """;

  /** The SHA-1 Redis knows the script by, for EVALSHA. */
  static final String SHA1 = sha1(SOURCE);

  private GcraScript() {}

  /** {@code ARGV[1]}: T in microseconds, exactly the local limiter's nanoseconds per token. */
  static String intervalArgument(RateLimitSpec spec) {
    return BigDecimal.valueOf(spec.nanosPerToken())
        .movePointLeft(3)
        .stripTrailingZeros()
        .toPlainString();
  }

  /** {@code ARGV[2]}: the burst. */
  static String burstArgument(RateLimitSpec spec) {
    return Integer.toString(spec.burst());
  }

  private static String sha1(String source) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }
}
