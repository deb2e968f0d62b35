package dev.datapunk.mesh.bench.load;

import java.time.Duration;

/**
 * One load run.
 *
 * @param port the server's port on 127.0.0.1
 * @param outstanding closed loop: calls kept in flight at all times
 * @param channels connections the calls are spread over, round-robin
 * @param warmup time before measuring
 * @param measured the measured window
 * @param openLoopRate calls per second offered at fixed intervals (open loop), or 0 for closed loop
 */
public record LoadSettings(
    int port, int outstanding, int channels, Duration warmup, Duration measured, int openLoopRate) {

  /** Checks the values. */
  public LoadSettings {
    if (outstanding < 1 || channels < 1 || openLoopRate < 0) {
      throw new IllegalArgumentException(
          "outstanding and channels must be >= 1, openLoopRate >= 0");
    }
  }

  /** Whether calls are offered at a fixed rate rather than kept at a fixed count in flight. */
  public boolean openLoop() {
    return openLoopRate > 0;
  }
}
