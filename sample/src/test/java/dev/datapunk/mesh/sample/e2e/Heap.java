package dev.datapunk.mesh.sample.e2e;

import java.lang.management.ManagementFactory;

/** Heap used in this JVM (where the tests run the server) after full collections. */
final class Heap {

  private Heap() {}

  /**
   * Bytes of heap in use after two requested full collections (the smaller of the two readings).
   */
  static long usedAfterGc() throws InterruptedException {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(200);
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
