package dev.datapunk.mesh.runtime.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.RetryInfo;
import dev.datapunk.mesh.runtime.chain.RetryLater;
import dev.datapunk.mesh.runtime.security.MeshTestServer;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rate-limit rejection tells plain grpc clients when to come back in the trailer grpc's built-in
 * retry reads ({@code grpc-retry-pushback-ms}), as well as in {@code RetryInfo}: a real mesh server
 * over mTLS, a real grpc-java channel.
 */
class RetryPushbackTest {

  private static final String LIMITED = "grpc.testing.SimpleService/ServerStreamingRpc";

  @TempDir Path dir;

  private MeshTestServer.Pki pki;
  private MeshTestServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() {
    pki = MeshTestServer.Pki.create(dir);
    List<String> args = new ArrayList<>(pki.tlsArgs());
    // One token per 2 s for the public method: a second call right after the first is refused,
    // however busy the machine.
    args.addAll(
        List.of(
            "--ratelimit.override." + LIMITED + ".rps=0.5",
            "--ratelimit.override." + LIMITED + ".burst=1"));
    server = MeshTestServer.start(dir, args);
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }

  private static String call(ManagedChannel channel) {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .serverStreamingRpc(SimpleRequest.getDefaultInstance())
        .next()
        .getResponseMessage();
  }

  @Test
  void thePushbackTrailerIsTheRetryInfoDelayInWholeMillisecondsRoundedUp() throws Exception {
    ManagedChannel channel = server.channel(pki.client());
    call(channel);
    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> call(channel));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    Metadata trailers = refused.getTrailers();
    RetryInfo retryInfo = StatusProto.fromThrowable(refused).getDetails(0).unpack(RetryInfo.class);
    long nanos =
        retryInfo.getRetryDelay().getSeconds() * 1_000_000_000L
            + retryInfo.getRetryDelay().getNanos();
    assertThat(nanos).isBetween(1L, 2_000_000_000L);
    assertEquals(
        Long.toString((nanos + 999_999) / 1_000_000), trailers.get(RetryLater.PUSHBACK_MS));
  }

  @Test
  void grpcsBuiltInRetryComesBackAfterThePushback() {
    // The policy does not even list RESOURCE_EXHAUSTED, and its own backoff is 30 s: only the
    // server's pushback can make it retry, and retry soon.
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts",
            3.0,
            "initialBackoff",
            "30s",
            "maxBackoff",
            "30s",
            "backoffMultiplier",
            1.0,
            "retryableStatusCodes",
            List.of("UNAVAILABLE"));
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("localhost", server.server().port(), pki.client())
            .defaultServiceConfig(
                Map.of(
                    "methodConfig",
                    List.of(Map.of("name", List.of(Map.of()), "retryPolicy", retryPolicy))))
            .enableRetry()
            .build();
    channels.add(channel);
    call(channel);
    long start = System.nanoTime();
    assertEquals(
        MeshTestServer.CLIENT_ID, call(channel), "refused once, then admitted on the retry");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertEquals(
        2, server.serviceCalls(), "two calls ran; the refused attempt never reached the service");
  }
}
