package dev.datapunk.mesh.sample.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.sample.MeshMain;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import io.grpc.CallOptions;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of distinct method names that do not exist, on the real server: each is answered
 * UNIMPLEMENTED, and nothing grows with their number: not the Prometheus scrape (no meter per
 * unknown name), not the heap.
 */
class UnknownMethodFloodTest {

  private static final int FLOOD = 20_000;
  private static final int IN_FLIGHT = 200;
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  @Test
  void twentyThousandUnknownMethodsAreUnimplementedAndGrowNothing(@TempDir Path dir)
      throws Exception {
    try (RunningServer server =
        RunningServer.start(
            dir,
            MeshMain.module(),
            "--tls.mode=plaintext",
            "--metrics.port=" + RunningServer.freePort())) {
      ManagedChannel channel = server.channel(InsecureChannelCredentials.create());
      // Warm-up: the first unknown calls and a good call create whatever meters they create once.
      assertThat(flood(channel, 0, 500)).containsOnlyKeys(Status.Code.UNIMPLEMENTED);
      good(channel);
      // Heap first: a requested GC may add its own JVM series, which must be in both scrapes.
      long heapBefore = Heap.usedAfterGc();
      String scrapeBefore = server.scrape();

      Map<Status.Code, Integer> seen = flood(channel, 500, FLOOD);

      good(channel);
      long heapAfter = Heap.usedAfterGc();
      String scrapeAfter = server.scrape();
      // The JVM's GC meters gain a series whenever a collection of a new kind or cause happens
      // (jvm_gc_pause_seconds{cause="G1 Humongous Allocation"}, ...), which the flood's garbage may
      // bring about; they are left out, every other series must be the same.
      List<String> before = seriesLines(scrapeBefore);
      List<String> after = seriesLines(scrapeAfter);
      long linesBefore = before.size();
      long linesAfter = after.size();
      System.out.printf(
          "%d unknown methods: %s; scrape lines %d -> %d; heap after GC %s -> %s%n",
          FLOOD, seen, linesBefore, linesAfter, Heap.mib(heapBefore), Heap.mib(heapAfter));
      assertThat(seen).containsExactly(Map.entry(Status.Code.UNIMPLEMENTED, FLOOD));
      assertThat(scrapeAfter).doesNotContain("svc");
      // The same series before and after (a good call's own series existed before already).
      assertThat(after.stream().map(UnknownMethodFloodTest::seriesKey).toList())
          .as("series after the flood")
          .containsExactlyInAnyOrderElementsOf(
              before.stream().map(UnknownMethodFloodTest::seriesKey).toList());
      // 20,000 names of ~20 characters kept anywhere would be over 1 MiB with their map entries.
      assertThat(heapAfter - heapBefore).as("heap growth, bytes").isLessThan(16L << 20);
      assertThat(server.server().activeCalls()).isZero();
    }
  }

  /** The scrape's lines, without those of the JVM's GC meters. */
  private static List<String> seriesLines(String scrape) {
    return scrape
        .lines()
        .filter(line -> !line.startsWith("jvm_gc_") && !line.matches("# (HELP|TYPE) jvm_gc_.*"))
        .toList();
  }

  /** A line without its sample value: the series it is of (or the comment itself). */
  private static String seriesKey(String line) {
    return line.startsWith("#") ? line : line.substring(0, line.lastIndexOf(' '));
  }

  /**
   * Calls {@code count} distinct unknown methods, {@code IN_FLIGHT} at a time; the statuses seen.
   */
  private static Map<Status.Code, Integer> flood(ManagedChannel channel, int first, int count)
      throws InterruptedException {
    Map<Status.Code, Integer> seen = new ConcurrentHashMap<>();
    Semaphore room = new Semaphore(IN_FLIGHT);
    for (int i = first; i < first + count; i++) {
      room.acquire();
      MethodDescriptor<byte[], byte[]> method =
          MethodDescriptor.newBuilder(BYTES, BYTES)
              .setType(MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(
                  (i % 2 == 0 ? "svc" + i : "datapunk.inventory.v1.InventoryService")
                      + "/Method"
                      + i)
              .build();
      ClientCalls.asyncUnaryCall(
          channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
          new byte[0],
          new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {}

            @Override
            public void onError(Throwable t) {
              seen.merge(Status.fromThrowable(t).getCode(), 1, Integer::sum);
              room.release();
            }

            @Override
            public void onCompleted() {
              seen.merge(Status.Code.OK, 1, Integer::sum);
              room.release();
            }
          });
    }
    assertThat(room.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)).as("every call ended").isTrue();
    return new EnumMap<>(seen);
  }

  private static void good(ManagedChannel channel) {
    assertThat(
            InventoryServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .ping(PingRequest.newBuilder().setMessage("ok").build())
                .getMessage())
        .isEqualTo("ok");
  }
}
