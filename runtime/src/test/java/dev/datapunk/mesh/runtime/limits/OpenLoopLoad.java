package dev.datapunk.mesh.runtime.limits;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Open-loop load, as from many independent clients: calls start at a fixed rate whatever happens to
 * earlier ones (each async, with a deadline), so an overloaded server meets the full offered rate
 * instead of slowing its clients down.
 */
final class OpenLoopLoad {

  /**
   * One finished call: when it started (relative to the load's start), how long it took, how it
   * ended.
   */
  record Outcome(long startNanos, long latencyNanos, Status.Code code) {}

  /** The outcomes of one load run. */
  record Result(List<Outcome> outcomes, Duration elapsed) {

    List<Outcome> with(Status.Code code) {
      return outcomes.stream().filter(o -> o.code() == code).toList();
    }

    List<Outcome> matching(Predicate<Outcome> filter) {
      return outcomes.stream().filter(filter).toList();
    }

    double share(Status.Code code) {
      return outcomes.isEmpty() ? 0 : (double) with(code).size() / outcomes.size();
    }
  }

  private OpenLoopLoad() {}

  /**
   * Starts {@code perSecond} calls of {@code method} per second for {@code duration}, each with
   * {@code deadline}, and waits for all of them to end.
   */
  static Result run(
      ManagedChannel channel,
      MethodDescriptor<SimpleRequest, SimpleResponse> method,
      int perSecond,
      Duration duration,
      Duration deadline)
      throws InterruptedException {
    return runAll(channel, List.of(new Stream(method, perSecond)), duration, deadline).get(0);
  }

  /** Several streams of calls side by side; one result per stream, in order. */
  record Stream(MethodDescriptor<SimpleRequest, SimpleResponse> method, int perSecond) {}

  static List<Result> runAll(
      ManagedChannel channel, List<Stream> streams, Duration duration, Duration deadline)
      throws InterruptedException {
    List<ConcurrentLinkedQueue<Outcome>> outcomes = new ArrayList<>();
    streams.forEach(s -> outcomes.add(new ConcurrentLinkedQueue<>()));
    long[] issued = new long[streams.size()];
    AtomicInteger pending = new AtomicInteger();
    CountDownLatch allDone = new CountDownLatch(1);
    SimpleRequest request = SimpleRequest.newBuilder().setRequestMessage("work").build();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    pending.incrementAndGet();
    long now;
    while ((now = System.nanoTime()) < end) {
      double seconds = (now - start) / 1e9;
      for (int i = 0; i < streams.size(); i++) {
        long due = (long) (streams.get(i).perSecond() * seconds);
        while (issued[i] < due) {
          issued[i]++;
          pending.incrementAndGet();
          ConcurrentLinkedQueue<Outcome> sink = outcomes.get(i);
          long callStart = System.nanoTime();
          ListenableFuture<SimpleResponse> future =
              ClientCalls.futureUnaryCall(
                  channel.newCall(
                      streams.get(i).method(),
                      CallOptions.DEFAULT.withDeadlineAfter(
                          deadline.toNanos(), TimeUnit.NANOSECONDS)),
                  request);
          Futures.addCallback(
              future,
              new FutureCallback<>() {
                @Override
                public void onSuccess(SimpleResponse result) {
                  done(Status.Code.OK);
                }

                @Override
                public void onFailure(Throwable t) {
                  done(Status.fromThrowable(t).getCode());
                }

                private void done(Status.Code code) {
                  sink.add(new Outcome(callStart - start, System.nanoTime() - callStart, code));
                  if (pending.decrementAndGet() == 0) {
                    allDone.countDown();
                  }
                }
              },
              MoreExecutors.directExecutor());
        }
      }
      Thread.sleep(1);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (pending.decrementAndGet() == 0) {
      allDone.countDown();
    }
    if (!allDone.await(deadline.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
      throw new AssertionError(pending.get() + " calls never ended");
    }
    List<Result> results = new ArrayList<>();
    outcomes.forEach(o -> results.add(new Result(List.copyOf(o), elapsed)));
    return results;
  }

  /** The {@code q} quantile (0..1) of the outcomes' latencies, in milliseconds. */
  static double percentileMillis(List<Outcome> outcomes, double q) {
    if (outcomes.isEmpty()) {
      return Double.NaN;
    }
    long[] latencies = outcomes.stream().mapToLong(Outcome::latencyNanos).toArray();
    Arrays.sort(latencies);
    int index = (int) Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1);
    return latencies[Math.max(0, index)] / 1e6;
  }
}
