package dev.datapunk.mesh.runtime.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's two fixed thread pools.
 *
 * <ul>
 *   <li>{@link #create(int) workers} ({@code mesh-worker}, {@code server.worker-threads} threads):
 *       the call chain and the methods of the mesh services.
 *   <li>{@link #createInfrastructure() infrastructure} ({@code mesh-infra}, {@value
 *       #INFRASTRUCTURE_THREADS} threads): health and reflection, so those never queue behind
 *       service code, see {@link CallExecutors}.
 * </ul>
 *
 * <p>Fixed pools, not grpc-java's default cached pool: on a small machine the cached pool spends
 * its time creating and parking threads (measured here at about half the throughput).
 */
final class WorkerExecutor {

  /** The worker pool's name: thread name prefix and the {@code name} tag of its executor meters. */
  static final String NAME = "mesh-worker";

  /** The infrastructure pool's name: thread name prefix and the {@code name} tag of its meters. */
  static final String INFRASTRUCTURE_NAME = "mesh-infra";

  /**
   * Threads of the infrastructure pool. Each call it runs takes microseconds (a health answer, a
   * reflection lookup), so two threads keep up with far more calls per second than the worker pool
   * can serve.
   */
  static final int INFRASTRUCTURE_THREADS = 2;

  private WorkerExecutor() {}

  static ExecutorService create(int threads) {
    return fixed(threads, NAME);
  }

  static ExecutorService createInfrastructure() {
    return fixed(INFRASTRUCTURE_THREADS, INFRASTRUCTURE_NAME);
  }

  private static ExecutorService fixed(int threads, String name) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        new NamedThreads(name + "-"));
  }

  private static final class NamedThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger(1);

    NamedThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, prefix + next.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    }
  }
}
