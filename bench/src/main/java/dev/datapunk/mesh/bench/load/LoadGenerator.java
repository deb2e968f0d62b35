package dev.datapunk.mesh.bench.load;

import dev.datapunk.mesh.bench.report.Options;
import dev.datapunk.mesh.bench.v1.EchoReply;
import dev.datapunk.mesh.bench.v1.EchoRequest;
import dev.datapunk.mesh.bench.v1.EchoServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A gRPC load generator for the echo service: unary calls over several channels, each carrying a
 * bearer token, latencies in an HdrHistogram.
 *
 * <ul>
 *   <li>Closed loop: a fixed number of calls in flight; each completion starts the next call. Shows
 *       the most a server does, with latency under that load.
 *   <li>Open loop: calls offered at fixed intervals whatever the server does, each latency counted
 *       from the call's intended start, so a stalled server shows up in the tail instead of slowing
 *       the offered load (no coordinated omission).
 * </ul>
 *
 * <p>A warm-up phase runs first and is discarded. Callbacks run on the transport's threads (direct
 * executor); nothing blocks there.
 */
public final class LoadGenerator implements AutoCloseable {

  /**
   * Every call this generator started and how those that ended ended, over all its runs, warm-ups
   * and answers after a window closed included.
   */
  public record Totals(long started, long succeeded, long failed) {}

  private final LongAdder started = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Channel> authorized = new ArrayList<>();
  private final EchoRequest request = EchoRequest.getDefaultInstance();

  /**
   * Opens {@code channelCount} channels to 127.0.0.1 ("localhost", for the certificate) on {@code
   * port}, each sending {@code authorization: Bearer token}.
   */
  public LoadGenerator(int port, ChannelCredentials credentials, int channelCount, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    for (int i = 0; i < channelCount; i++) {
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress("localhost", port, credentials).directExecutor().build();
      channels.add(channel);
      authorized.add(
          ClientInterceptors.intercept(
              channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
    }
  }

  /** Runs warm-up then the measured window, as {@code settings} say. */
  public LoadResult run(LoadSettings settings) throws InterruptedException {
    return run(settings, () -> LoadResult.UNKNOWN);
  }

  /**
   * Runs warm-up then the measured window, reading {@code serverCpuNanos} (the server process's CPU
   * time so far, or {@link LoadResult#UNKNOWN}) when the window opens and closes.
   */
  public LoadResult run(LoadSettings settings, LongSupplier serverCpuNanos)
      throws InterruptedException {
    Window window = new Window(serverCpuNanos);
    AtomicInteger inFlight = new AtomicInteger();
    long measureFrom = System.nanoTime() + settings.warmup().toNanos();
    long end = measureFrom + settings.measured().toNanos();
    if (settings.openLoop()) {
      offerAtFixedRate(settings.openLoopRate(), window, inFlight, measureFrom, end);
    } else {
      keepInFlight(settings.outstanding(), window, inFlight, measureFrom, end);
    }
    LoadResult result = window.close();
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() - drainDeadline < 0) {
      Thread.sleep(1);
    }
    return result;
  }

  private void keepInFlight(
      int outstanding, Window window, AtomicInteger inFlight, long measureFrom, long end)
      throws InterruptedException {
    for (int i = 0; i < outstanding; i++) {
      inFlight.incrementAndGet();
      new ClosedLoopCaller(authorized.get(i % authorized.size()), window, inFlight).start();
    }
    sleepUntil(measureFrom);
    window.open();
    sleepUntil(end);
    window.stopping = true;
  }

  private void offerAtFixedRate(
      int rate, Window window, AtomicInteger inFlight, long measureFrom, long end) {
    double interval = 1e9 / rate;
    long start = System.nanoTime();
    long issued = 0;
    int next = 0;
    boolean opened = false;
    while (true) {
      long now = System.nanoTime();
      if (!opened && now - measureFrom >= 0) {
        window.open();
        opened = true;
      }
      if (now - end >= 0) {
        break;
      }
      long intended = start + (long) (issued * interval);
      while (intended - now <= 0) {
        inFlight.incrementAndGet();
        new OpenLoopCall(window, inFlight, intended).start(authorized.get(next));
        next = next + 1 == authorized.size() ? 0 : next + 1;
        issued++;
        intended = start + (long) (issued * interval);
      }
      LockSupport.parkNanos(intended - now);
    }
    window.stopping = true;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private void call(Channel channel, StreamObserver<EchoReply> observer) {
    started.increment();
    ClientCalls.asyncUnaryCall(
        channel.newCall(EchoServiceGrpc.getEchoMethod(), CallOptions.DEFAULT), request, observer);
  }

  /**
   * The calls so far. When {@link #run} has returned, every call it started has ended (unless its
   * 30 s wait for the last answers ran out), so these count what the window's figures leave out.
   */
  public Totals totals() {
    return new Totals(started.sum(), succeeded.sum(), failed.sum());
  }

  /** Closes every channel and waits (up to 10 s each) until they have terminated. */
  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Latencies and failures of the current phase; the warm-up's are thrown away when it opens. */
  private static final class Window {
    final Recorder latencies = new Recorder(3);
    final AtomicLong failures = new AtomicLong();
    final LongSupplier serverCpuNanos;
    volatile boolean stopping;
    private long openedAt;
    private long cpuAtOpen;

    Window(LongSupplier serverCpuNanos) {
      this.serverCpuNanos = serverCpuNanos;
    }

    void open() {
      latencies.reset();
      failures.set(0);
      openedAt = System.nanoTime();
      cpuAtOpen = serverCpuNanos.getAsLong();
    }

    LoadResult close() {
      Histogram histogram = latencies.getIntervalHistogram();
      double seconds = (System.nanoTime() - openedAt) / 1e9;
      long cpuAtClose = serverCpuNanos.getAsLong();
      long cpu =
          cpuAtOpen == LoadResult.UNKNOWN || cpuAtClose == LoadResult.UNKNOWN
              ? LoadResult.UNKNOWN
              : cpuAtClose - cpuAtOpen;
      return new LoadResult(histogram.getTotalCount(), failures.get(), seconds, histogram, cpu);
    }
  }

  /** One of the closed loop's in-flight slots: each completion starts its next call. */
  private final class ClosedLoopCaller implements StreamObserver<EchoReply> {
    private final Channel channel;
    private final Window window;
    private final AtomicInteger inFlight;
    private long startedAt;

    ClosedLoopCaller(Channel channel, Window window, AtomicInteger inFlight) {
      this.channel = channel;
      this.window = window;
      this.inFlight = inFlight;
    }

    void start() {
      startedAt = System.nanoTime();
      call(channel, this);
    }

    @Override
    public void onNext(EchoReply reply) {
      // the reply itself is not needed
    }

    @Override
    public void onError(Throwable t) {
      failed.increment();
      window.failures.incrementAndGet();
      next();
    }

    @Override
    public void onCompleted() {
      succeeded.increment();
      window.latencies.recordValue(System.nanoTime() - startedAt);
      next();
    }

    private void next() {
      if (window.stopping) {
        inFlight.decrementAndGet();
      } else {
        start();
      }
    }
  }

  /** One call of the open loop, timed from when it should have started. */
  private final class OpenLoopCall implements StreamObserver<EchoReply> {
    private final Window window;
    private final AtomicInteger inFlight;
    private final long intendedStart;

    OpenLoopCall(Window window, AtomicInteger inFlight, long intendedStart) {
      this.window = window;
      this.inFlight = inFlight;
      this.intendedStart = intendedStart;
    }

    void start(Channel channel) {
      call(channel, this);
    }

    @Override
    public void onNext(EchoReply reply) {
      // the reply itself is not needed
    }

    @Override
    public void onError(Throwable t) {
      failed.increment();
      window.failures.incrementAndGet();
      inFlight.decrementAndGet();
    }

    @Override
    public void onCompleted() {
      succeeded.increment();
      window.latencies.recordValue(System.nanoTime() - intendedStart);
      inFlight.decrementAndGet();
    }
  }

  /**
   * Drives a running server: {@code --port=P [--tls=plaintext|mtls] [--dev-dir=.mesh/dev]
   * --token=JWT [--outstanding=64] [--channels=4] [--warmup=5] [--seconds=10] [--rate=0]}
   * (durations in seconds; a rate above 0 runs the open loop). Prints one line of figures.
   */
  public static void main(String[] args) throws Exception {
    Options options = new Options(args);
    Transport transport = Transport.parse(options.get("tls", "plaintext"));
    Path devDir = Path.of(options.get("dev-dir", ".mesh/dev"));
    LoadSettings settings =
        new LoadSettings(
            options.getInt("port", 50051),
            options.getInt("outstanding", 64),
            options.getInt("channels", 4),
            Duration.ofSeconds(options.getInt("warmup", 5)),
            Duration.ofSeconds(options.getInt("seconds", 10)),
            options.getInt("rate", 0));
    String token = options.get("token", "none");
    try (LoadGenerator generator =
        new LoadGenerator(
            settings.port(), transport.clientCredentials(devDir), settings.channels(), token)) {
      LoadResult r = generator.run(settings);
      System.out.printf(
          "%.0f calls/s, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, %d failed%n",
          r.callsPerSecond(),
          r.latencyMillis(50),
          r.latencyMillis(90),
          r.latencyMillis(99),
          r.latencyMillis(99.9),
          r.failed());
    }
  }
}
