package dev.datapunk.mesh.runtime.ratelimit;

/**
 * A monotonic nanosecond time source, injectable so tests can freeze and step time.
 *
 * <p>Only differences between two readings are meaningful, exactly as for {@link
 * System#nanoTime()}. Implementations must be thread-safe and must never go backwards.
 */
@FunctionalInterface
public interface NanoClock {

  /** The current reading in nanoseconds. */
  long nanoTime();

  /** The JVM's monotonic clock, {@link System#nanoTime()}. */
  static NanoClock system() {
    return System::nanoTime;
  }
}
