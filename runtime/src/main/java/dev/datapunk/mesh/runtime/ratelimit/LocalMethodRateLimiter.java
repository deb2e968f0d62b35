package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The in-process limiter of one method: a map from client key to {@link BucketCell}, plus one
 * shared overflow bucket used while the backend is at its client cap. The algorithm and the
 * policies are described on {@link LocalRateLimiterBackend}.
 */
final class LocalMethodRateLimiter implements MethodRateLimiter {

  /** Internal: the state moved under this attempt (rule replaced, cell frozen); start over. */
  private static final long RETRY = -1L;

  private final String fullMethodName;
  private final LocalRateLimiterBackend store;
  private final ConcurrentHashMap<String, BucketCell> clients = new ConcurrentHashMap<>();
  private final AtomicReference<BucketCell> overflow;
  private final Object updateLock = new Object();
  private volatile GcraRule rule;

  LocalMethodRateLimiter(String fullMethodName, RateLimitSpec spec, LocalRateLimiterBackend store) {
    this.fullMethodName = fullMethodName;
    this.store = store;
    this.rule = GcraRule.initial(spec);
    this.overflow = new AtomicReference<>(new BucketCell(0, 0L));
  }

  @Override
  public String fullMethodName() {
    return fullMethodName;
  }

  @Override
  public long tryAcquire(String clientKey) {
    Objects.requireNonNull(clientKey, "clientKey");
    long result;
    do {
      GcraRule current = rule;
      long now = store.now();
      BucketCell cell = clients.get(clientKey);
      result =
          cell == null
              ? admitNewClient(clientKey, current, now)
              : admitTrackedClient(clientKey, cell, current, now);
    } while (result == RETRY);
    return result;
  }

  @Override
  public RateLimitSpec spec() {
    return rule.spec;
  }

  @Override
  public void updateSpec(RateLimitSpec newSpec) {
    Objects.requireNonNull(newSpec, "newSpec");
    synchronized (updateLock) {
      GcraRule next = rule.next(newSpec, store.now());
      rule = next;
      carryOver(next);
    }
  }

  /**
   * Re-expresses every stored bucket in {@code current} (each exactly as of the update instant), so
   * that no bucket falls behind the rule history a rule remembers.
   */
  private void carryOver(GcraRule current) {
    clients.forEach(
        (key, cell) -> {
          if (cell.generation < current.generation) {
            clients.replace(key, cell, successor(cell, current));
          }
        });
    refreshOverflow(overflow.get(), current);
  }

  @Override
  public String toString() {
    return "LocalMethodRateLimiter[" + fullMethodName + ": " + rule.spec + "]";
  }

  /** Buckets this method holds now. */
  int trackedClients() {
    return clients.size();
  }

  private long admitTrackedClient(String key, BucketCell cell, GcraRule current, long now) {
    long result = takeToken(cell, current, now);
    if (result == RETRY && cell.generation <= current.generation) {
      clients.replace(key, cell, successor(cell, current));
    }
    return result;
  }

  private long admitNewClient(String key, GcraRule current, long now) {
    BucketCell shared = overflow.get();
    long sharedState = shared.get();
    if (shared.generation != current.generation || BucketCell.isFrozen(sharedState)) {
      refreshOverflow(shared, current);
      return RETRY;
    }
    // A new bucket is full, unless the overflow bucket is in debt: then it starts no fuller than
    // the overflow bucket, so a client that was served from it gains nothing by becoming tracked.
    long start = Math.max(now, sharedState);
    long wait = current.waitNanos(start, now);
    if (wait > 0) {
      store.countOverflowDecision(); // decided by the overflow bucket's debt
      return wait;
    }
    if (!store.reserveSlot()) {
      return admitOverflowClient(current, now);
    }
    BucketCell fresh = new BucketCell(current.generation, current.charge(start, now));
    if (clients.putIfAbsent(key, fresh) == null) {
      return 0;
    }
    store.releaseSlot(); // another call of the same client inserted first: use its bucket
    return RETRY;
  }

  private long admitOverflowClient(GcraRule current, long now) {
    BucketCell shared = overflow.get();
    long result = takeToken(shared, current, now);
    if (result == RETRY) {
      refreshOverflow(shared, current);
    } else {
      store.countOverflowDecision();
    }
    return result;
  }

  /** Replaces the overflow cell by its successor if it is stale or frozen. */
  private void refreshOverflow(BucketCell shared, GcraRule current) {
    if (shared.generation < current.generation
        || (shared.generation == current.generation && BucketCell.isFrozen(shared.get()))) {
      overflow.compareAndSet(shared, successor(shared, current));
    }
  }

  /** The GCRA decision: one CAS loop on the cell's long; {@link #RETRY} if the cell is stale. */
  private static long takeToken(BucketCell cell, GcraRule current, long now) {
    while (true) {
      long tat = cell.get();
      if (cell.generation != current.generation || BucketCell.isFrozen(tat)) {
        return RETRY;
      }
      long wait = current.waitNanos(tat, now);
      if (wait > 0) {
        return wait;
      }
      if (cell.compareAndSet(tat, current.charge(tat, now))) {
        return 0;
      }
    }
  }

  /**
   * Freezes {@code cell} and returns a new cell holding the same bucket expressed in {@code
   * current}. Every thread derives the same successor from a frozen cell, so whichever installs it
   * first, the result is the same.
   */
  private static BucketCell successor(BucketCell cell, GcraRule current) {
    long tat = cell.freeze();
    return new BucketCell(current.generation, current.carry(cell.generation, tat));
  }

  /**
   * Drops every bucket that is full at {@code now} (TAT at or before now): such a bucket holds no
   * information, since a new client starts full. Buckets written under an older rule are carried
   * over to the current rule first, and dropped only if full under it.
   *
   * @return how many buckets were dropped
   */
  int evictIdle(long now) {
    GcraRule current = rule;
    int[] evicted = {0};
    clients.forEach(
        (key, cell) -> {
          if (evictIfIdle(key, cell, current, now)) {
            evicted[0]++;
          }
        });
    return evicted[0];
  }

  private boolean evictIfIdle(String key, BucketCell cell, GcraRule current, long now) {
    if (cell.generation > current.generation) {
      return false; // the rule changed during this sweep; the next sweep sees it
    }
    if (cell.generation == current.generation) {
      long tat = cell.get();
      // Freezing fails if a call took a token meanwhile: that bucket is in use, keep it.
      if (!BucketCell.isFrozen(tat)
          && (tat > now || !cell.compareAndSet(tat, tat | BucketCell.FROZEN))) {
        return false;
      }
    } else {
      BucketCell carried = successor(cell, current);
      if (carried.get() > now) {
        clients.replace(key, cell, carried);
        return false;
      }
    }
    if (clients.remove(key, cell)) {
      store.releaseSlot();
      return true;
    }
    return false;
  }
}
