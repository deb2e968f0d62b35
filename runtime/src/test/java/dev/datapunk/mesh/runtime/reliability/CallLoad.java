package dev.datapunk.mesh.runtime.reliability;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A few client threads making one call after another until stopped, or until a bound on calls or
 * time is reached; every call is recorded with its start, duration and status.
 */
final class CallLoad implements AutoCloseable {

  /** One call: when it started (System.nanoTime), how long it took, how it ended. */
  record Call(long startNanos, long nanos, Status.Code code, String description) {
    long endNanos() {
      return startNanos + nanos;
    }

    double millis() {
      return nanos / 1e6;
    }
  }

  /** A blocking call that throws {@link StatusRuntimeException} when it fails. */
  @FunctionalInterface
  interface BlockingCall {
    void call();
  }

  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger count = new AtomicInteger();
  private final int maxCalls;
  private final long stopAtNanos;

  private CallLoad(
      int threadCount, BlockingCall call, Duration pause, int maxCalls, Duration maxTime) {
    this.maxCalls = maxCalls;
    this.stopAtNanos = System.nanoTime() + maxTime.toNanos();
    for (int i = 0; i < threadCount; i++) {
      Thread thread = new Thread(() -> loop(call, pause), "fault-load-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
  }

  /** Starts {@code threadCount} threads, each calling, pausing {@code pause}, calling again. */
  static CallLoad start(
      int threadCount, BlockingCall call, Duration pause, int maxCalls, Duration maxTime) {
    CallLoad load = new CallLoad(threadCount, call, pause, maxCalls, maxTime);
    load.threads.forEach(Thread::start);
    return load;
  }

  private void loop(BlockingCall call, Duration pause) {
    while (running.get()
        && count.incrementAndGet() <= maxCalls
        && System.nanoTime() - stopAtNanos < 0) {
      long start = System.nanoTime();
      Status.Code code = Status.Code.OK;
      String description = null;
      try {
        call.call();
      } catch (StatusRuntimeException e) {
        code = e.getStatus().getCode();
        description = e.getStatus().getDescription();
      }
      calls.add(new Call(start, System.nanoTime() - start, code, description));
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The calls recorded so far. */
  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The recorded calls that match {@code filter}. */
  List<Call> calls(Predicate<Call> filter) {
    return calls().stream().filter(filter).toList();
  }

  /** Stops the threads and waits for their calls in flight; returns every recorded call. */
  List<Call> stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(30_000);
      if (thread.isAlive()) {
        throw new AssertionError(thread.getName() + " still in a call 30 s after the load stopped");
      }
    }
    return calls();
  }

  /** Stops the threads without waiting for their calls; for clean-up after a failed test. */
  @Override
  public void close() {
    running.set(false);
    threads.forEach(Thread::interrupt);
  }
}
