package dev.datapunk.mesh.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor that runs service code: a fixed pool of {@code server.worker-threads} threads.
 *
 * <p>A fixed pool, not grpc-java's default cached pool: on a small machine the cached pool spends
 * its time creating and parking threads (measured here at about half the throughput).
 */
final class WorkerExecutor {

  /** The pool's name: thread name prefix and the {@code name} tag of its executor meters. */
  static final String NAME = "mesh-worker";

  private WorkerExecutor() {}

  static ExecutorService create(int threads) {
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        new NamedThreads(NAME + "-"));
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
