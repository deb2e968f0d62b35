package dev.datapunk.mesh.bench.soak;

import dev.datapunk.mesh.bench.load.RawBytes;
import dev.datapunk.mesh.bench.report.Options;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.tls.ClientTls;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * The mixed load of the soak run against the sample server (bench/soak.sh starts the server and
 * measures its heap; this class only sends calls and counts their statuses).
 *
 * <p>Four paced streams of calls, each on its own thread, for {@code --seconds}:
 *
 * <ul>
 *   <li>good: {@code Ping} (its rate limit raised by the script) at {@code --good-rate} per second;
 *   <li>rejected: {@code PutItem} with a read-only token (PERMISSION_DENIED), and {@code GetItem}
 *       without a token (UNAUTHENTICATED), at {@code --rejected-rate} per second together;
 *   <li>new identities: {@code GetItem} with a token for a subject never seen before (an ES256
 *       token minted here, verified in full by the server) at {@code --identity-rate} per second;
 *   <li>unknown methods: {@code soak.svcN/MethodN}, a new name every call, at {@code
 *       --unknown-rate} per second (UNIMPLEMENTED).
 * </ul>
 *
 * <p>At most {@code --max-outstanding} calls are in flight; a stream that would exceed it waits, so
 * a slow server lowers the rate instead of growing this client. Prints the counts per stream and
 * status, and writes them to {@code --out} when given.
 */
public final class SoakDriver {

  private static final String SERVICE = "datapunk.inventory.v1.InventoryService";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final DevSigningKey key;
  private final Semaphore outstanding;
  private final int maxOutstanding;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final String readToken;

  private SoakDriver(ManagedChannel channel, DevSigningKey key, int maxOutstanding) {
    this.channel = channel;
    this.key = key;
    this.outstanding = new Semaphore(maxOutstanding);
    this.maxOutstanding = maxOutstanding;
    this.readToken = token("soak-reader", "inventory:read");
  }

  /** Runs the load; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    Options options = new Options(args);
    int port = options.getInt("port", 0);
    Path devDir = Path.of(options.get("dev-dir", ".mesh/dev"));
    long seconds = options.getInt("seconds", 600);
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "localhost", port, ClientTls.trusting(devDir.resolve("ca.pem")))
            .build();
    try {
      SoakDriver driver =
          new SoakDriver(
              channel, DevSigningKey.ensure(devDir), options.getInt("max-outstanding", 2000));
      String summary =
          driver.run(
              Duration.ofSeconds(seconds),
              options.getInt("good-rate", 1000),
              options.getInt("rejected-rate", 100),
              options.getInt("identity-rate", 100),
              options.getInt("unknown-rate", 200));
      System.out.println(summary);
      String out = options.get("out", "");
      if (!out.isEmpty()) {
        Files.writeString(Path.of(out), summary);
      }
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private String run(
      Duration duration, int goodRate, int rejectedRate, int identityRate, int unknownRate)
      throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    byte[] ping = string(1, "soak");
    byte[] sku = string(1, "SKU-0001");
    MethodDescriptor<byte[], byte[]> pingMethod = method(SERVICE + "/Ping");
    MethodDescriptor<byte[], byte[]> getItem = method(SERVICE + "/GetItem");
    MethodDescriptor<byte[], byte[]> putItem = method(SERVICE + "/PutItem");
    byte[] put = bytes(1, string(1, "SKU-SOAK"));
    List<Thread> streams = new ArrayList<>();
    streams.add(paced("good", goodRate, end, n -> call("good", pingMethod, ping, null)));
    streams.add(
        paced(
            "rejected",
            rejectedRate,
            end,
            n ->
                n % 2 == 0
                    ? call("rejected", putItem, put, readToken)
                    : call("rejected", getItem, sku, null)));
    streams.add(
        paced(
            "identity",
            identityRate,
            end,
            n -> call("identity", getItem, sku, token("soak-client-" + n, "inventory:read"))));
    streams.add(
        paced(
            "unknown",
            unknownRate,
            end,
            n -> call("unknown", method("soak.svc" + n + "/Method" + n), ping, null)));
    for (Thread stream : streams) {
      stream.join();
    }
    // Let the last calls finish (or fail) before counting.
    if (!outstanding.tryAcquire(maxOutstanding, 60, TimeUnit.SECONDS)) {
      counts
          .computeIfAbsent("(still in flight after 60 s)", k -> new LongAdder())
          .add(maxOutstanding - outstanding.availablePermits());
    }
    StringBuilder summary =
        new StringBuilder("calls by stream and status after " + duration.toSeconds() + " s:\n");
    new TreeMap<>(counts)
        .forEach(
            (name, count) ->
                summary.append("  ").append(name).append(' ').append(count.sum()).append('\n'));
    return summary.toString();
  }

  /** Runs {@code send} {@code rate} times a second on a new thread until {@code end}. */
  private Thread paced(String name, int rate, long end, LongFunction<Boolean> send) {
    Thread thread =
        new Thread(
            () -> {
              if (rate <= 0) {
                return;
              }
              long period = TimeUnit.SECONDS.toNanos(1) / rate;
              long next = System.nanoTime();
              long n = 0;
              while (next < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                  try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
                if (!send.apply(n++)) {
                  return;
                }
                next += period;
              }
            },
            "soak-" + name);
    thread.start();
    return thread;
  }

  /** Sends one unary call; false when interrupted while waiting for room. */
  private boolean call(
      String stream, MethodDescriptor<byte[], byte[]> method, byte[] request, String token) {
    try {
      outstanding.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(AUTHORIZATION, "Bearer " + token);
    }
    var call = channel.newCall(method, options);
    ClientCalls.asyncUnaryCall(
        new HeaderCall<>(call, headers),
        request,
        new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {}

          @Override
          public void onError(Throwable t) {
            done(stream, Status.fromThrowable(t).getCode());
          }

          @Override
          public void onCompleted() {
            done(stream, Status.Code.OK);
          }
        });
    return true;
  }

  private void done(String stream, Status.Code code) {
    counts.computeIfAbsent(stream + " " + code, k -> new LongAdder()).increment();
    outstanding.release();
  }

  private String token(String subject, String scope) {
    return DevTokens.mint(
        key,
        new DevTokenRequest(
            subject, List.of(scope), Duration.ofHours(1), Optional.empty(), Optional.empty()));
  }

  private static MethodDescriptor<byte[], byte[]> method(String fullName) {
    return MethodDescriptor.newBuilder(RawBytes.MARSHALLER, RawBytes.MARSHALLER)
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName)
        .build();
  }

  /** A protobuf message with one string field. */
  private static byte[] string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A protobuf message with one length-delimited field (values under 128 bytes). */
  private static byte[] bytes(int field, byte[] value) {
    byte[] message = new byte[value.length + 2];
    message[0] = (byte) (field << 3 | 2);
    message[1] = (byte) value.length;
    System.arraycopy(value, 0, message, 2, value.length);
    return message;
  }

  /** A client call that sends {@code extra} headers with its own. */
  private static final class HeaderCall<ReqT, RespT>
      extends io.grpc.ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {
    private final Metadata extra;

    HeaderCall(io.grpc.ClientCall<ReqT, RespT> delegate, Metadata extra) {
      super(delegate);
      this.extra = extra;
    }

    @Override
    public void start(Listener<RespT> listener, Metadata headers) {
      headers.merge(extra);
      super.start(listener, headers);
    }
  }
}
