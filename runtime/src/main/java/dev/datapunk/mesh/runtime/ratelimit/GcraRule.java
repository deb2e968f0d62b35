package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.math.BigInteger;

/**
 * One {@link RateLimitSpec} of a method turned into GCRA numbers, with the instant it took effect
 * and the rule it replaced.
 *
 * <p>Times are nanoseconds relative to the backend's origin, in {@code [0, MAX_TIME]}. The emission
 * interval {@code T} and the tolerance {@code tau = (burst - 1) * T} saturate at {@link #MAX_SPAN}
 * (about 36 years), which only matters for absurd limits such as one call per century.
 */
final class GcraRule {

  /** The largest time or TAT; below {@link BucketCell#FROZEN}. */
  static final long MAX_TIME = BucketCell.FROZEN - 1;

  /** The largest emission interval or tolerance; keeps every sum below {@link #MAX_TIME} + span. */
  static final long MAX_SPAN = 1L << 60;

  /** How many replaced rules a rule remembers to convert buckets written under them. */
  static final int MAX_HISTORY = 16;

  final RateLimitSpec spec;

  /** 0 for the compiled-in spec, +1 for each update. */
  final int generation;

  /** T: nanoseconds per token. */
  final long interval;

  /** tau = (burst - 1) * T: how far the TAT may run ahead of now and still admit a call. */
  final long tolerance;

  /** The instant (relative nanos) from which this rule applies; 0 for generation 0. */
  final long since;

  /** The rule this one replaced; null for generation 0 or where the history was cut. */
  private final GcraRule previous;

  /** How many ancestors {@link #previous} reaches. */
  private final int depth;

  private GcraRule(RateLimitSpec spec, int generation, long since, GcraRule previous) {
    this.spec = spec;
    this.generation = generation;
    this.since = since;
    this.previous = previous;
    this.depth = previous == null ? 0 : previous.depth + 1;
    this.interval = Math.min(spec.nanosPerToken(), MAX_SPAN);
    long slots = spec.burst() - 1L;
    this.tolerance = slots == 0 ? 0 : (interval > MAX_SPAN / slots ? MAX_SPAN : interval * slots);
  }

  static GcraRule initial(RateLimitSpec spec) {
    return new GcraRule(spec, 0, 0, null);
  }

  /**
   * The rule that replaces this one at {@code now}. It remembers at most {@link #MAX_HISTORY}
   * ancestors, so memory stays bounded however often a limit is reloaded.
   */
  GcraRule next(RateLimitSpec newSpec, long now) {
    return new GcraRule(
        newSpec, generation + 1, Math.max(now, since), withHistory(MAX_HISTORY - 1));
  }

  /** This rule with at most {@code ancestors} ancestors (copies the chain if it must be cut). */
  private GcraRule withHistory(int ancestors) {
    if (depth <= ancestors) {
      return this;
    }
    GcraRule keptPrevious = ancestors == 0 ? null : previous.withHistory(ancestors - 1);
    return new GcraRule(spec, generation, since, keptPrevious);
  }

  /** Nanoseconds until a call is admitted for a bucket at {@code tat}; 0 if admitted now. */
  long waitNanos(long tat, long now) {
    long admitFrom = tat - tolerance;
    return admitFrom > now ? admitFrom - now : 0;
  }

  /** The TAT after taking one token at {@code now} from a bucket at {@code tat}. */
  long charge(long tat, long now) {
    long sum = Math.max(tat, now) + interval; // <= MAX_TIME + MAX_SPAN: no overflow
    return Math.min(sum, MAX_TIME);
  }

  /**
   * Re-expresses a TAT written under the rule of generation {@code fromGeneration} (an ancestor of
   * this rule, or this rule) in this rule, converting at each update instant in turn.
   *
   * <p>If {@code fromGeneration} is older than the remembered history (only possible for a call
   * that raced more than {@link #MAX_HISTORY} updates, since an update carries every stored bucket
   * over at once), the bucket is taken as empty at the oldest remembered update: conservative, it
   * never hands out a token.
   */
  long carry(int fromGeneration, long tat) {
    if (fromGeneration > generation) {
      throw new IllegalArgumentException(
          "generation " + fromGeneration + " is newer than generation " + generation);
    }
    if (fromGeneration == generation) {
      return tat;
    }
    if (previous == null) {
      return Math.min(since + tolerance + interval, MAX_TIME); // empty: burst * T to full
    }
    return convertFrom(previous, previous.carry(fromGeneration, tat));
  }

  /**
   * Converts a bucket from {@code older} to this rule at the instant {@link #since}: a full bucket
   * stays full (it is indistinguishable from an evicted one, and a new client starts full under the
   * new limit); any other bucket keeps the tokens it held then, clamped to the new burst, and what
   * it misses to the new burst is refilled at the new rate.
   *
   * <p>With {@code d = tat - since > 0}, the old bucket held {@code b_old - d / T_old} tokens. The
   * new bucket holds {@code min(that, b_new)}, so it misses {@code m = max(0, b_new - b_old + d /
   * T_old)} tokens and is full again at {@code since + m * T_new}, rounded up so that rounding
   * never hands out a token.
   */
  private long convertFrom(GcraRule older, long tat) {
    long debt = tat - since;
    if (debt <= 0) {
      return since;
    }
    BigInteger missingTimesOldInterval =
        BigInteger.valueOf((long) spec.burst() - older.spec.burst())
            .multiply(BigInteger.valueOf(older.interval))
            .add(BigInteger.valueOf(debt));
    if (missingTimesOldInterval.signum() <= 0) {
      return since;
    }
    BigInteger[] quotient =
        missingTimesOldInterval
            .multiply(BigInteger.valueOf(interval))
            .divideAndRemainder(BigInteger.valueOf(older.interval));
    BigInteger newDebt = quotient[1].signum() == 0 ? quotient[0] : quotient[0].add(BigInteger.ONE);
    long capped = newDebt.min(BigInteger.valueOf(MAX_TIME - since)).longValueExact();
    return since + capped;
  }
}
