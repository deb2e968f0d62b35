package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.RetryInfo;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers started from configuration exactly as the generated bootstrap starts them, with {@code
 * --ratelimit.backend=redis}: two of them share one client's limit through one real Redis; with
 * {@code failure-mode=deny} and no Redis, limited calls are refused and health says NOT_SERVING.
 * The same through a Redis Cluster ({@code ratelimit.redis.cluster=true}, seeds as a list or one
 * node).
 */
class RedisSharedLimitEndToEndTest {

  /** Open, a burst of 3 that does not refill during the test. */
  static final MethodPolicy UNARY =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).rateLimit(0.001, 3).build();

  @TempDir Path dir;
  private RedisServer redis;
  private RedisCluster cluster;
  private final List<MeshServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(MeshServer::close);
    if (redis != null) {
      redis.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoServersShareOneClientsLimitThroughRedis() {
    redis = RedisServer.start(dir);
    ManagedChannel first = startServer("--ratelimit.redis.timeout=2s");
    ManagedChannel second = startServer("--ratelimit.redis.timeout=2s");

    assertThat(unary(first).getResponseMessage()).isEqualTo("ok");
    assertThat(unary(second).getResponseMessage()).isEqualTo("ok");
    assertThat(unary(first).getResponseMessage()).isEqualTo("ok");
    for (ManagedChannel channel : List.of(second, first)) {
      StatusRuntimeException refused =
          assertThrows(StatusRuntimeException.class, () -> unary(channel));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getStatus().getDescription())
          .isEqualTo(
              "rate limit exceeded for grpc.testing.SimpleService/UnaryRpc: 0.001 rps, burst 3");
      RetryInfo retry = retryInfo(refused);
      assertThat(retry.getRetryDelay().getSeconds())
          .as("a token per 1000 s")
          .isBetween(900L, 1_000L);
    }
    assertThat(redis.admin().keys("mesh:rl:*"))
        .containsExactly("mesh:rl:{grpc.testing.SimpleService/UnaryRpc|ip:127.0.0.1}");
  }

  @Test
  void twoServersShareOneClientsLimitThroughARedisCluster() {
    cluster = RedisCluster.start(dir);
    String seeds = cluster.seeds().stream().map(Object::toString).collect(Collectors.joining(","));
    ManagedChannel first =
        startServerOn(seeds, "--ratelimit.redis.cluster=true", "--ratelimit.redis.timeout=2s");
    ManagedChannel second =
        startServerOn(
            cluster.seeds().get(2).toString(),
            "--ratelimit.redis.cluster=true",
            "--ratelimit.redis.timeout=2s");

    assertThat(unary(first).getResponseMessage()).isEqualTo("ok");
    assertThat(unary(second).getResponseMessage()).isEqualTo("ok");
    assertThat(unary(first).getResponseMessage()).isEqualTo("ok");
    for (ManagedChannel channel : List.of(second, first)) {
      StatusRuntimeException refused =
          assertThrows(StatusRuntimeException.class, () -> unary(channel));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(retryInfo(refused).getRetryDelay().getSeconds()).isBetween(900L, 1_000L);
    }
    List<String> keys = new ArrayList<>();
    for (RedisServer node : cluster.nodes()) {
      keys.addAll(node.admin().keys("mesh:rl:*"));
    }
    assertThat(keys).containsExactly("mesh:rl:{grpc.testing.SimpleService/UnaryRpc|ip:127.0.0.1}");
  }

  @Test
  void clusterModeAgainstASingleRedisStartsOnTheFailureModeAndNamesTheKey() {
    redis = RedisServer.start(dir);
    try (StderrCapture log = StderrCapture.start()) {
      ManagedChannel channel =
          startServer("--ratelimit.redis.cluster=true", "--ratelimit.redis.failure-mode=deny");
      StatusRuntimeException refused =
          assertThrows(StatusRuntimeException.class, () -> unary(channel));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(retryInfo(refused).getRetryDelay().getSeconds()).isEqualTo(1);
      assertThat(log.linesContaining("ratelimit.redis.cluster is true", "is not a Redis Cluster"))
          .hasSize(1);
    }
  }

  @Test
  void denyModeWithoutRedisRefusesLimitedCallsAndReportsNotServing() {
    redis = RedisServer.notStarted(dir);
    ManagedChannel channel =
        startServer("--ratelimit.redis.failure-mode=deny", "--health.check-interval=50ms");

    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> unary(channel));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(retryInfo(refused).getRetryDelay().getSeconds()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> health(channel) == ServingStatus.NOT_SERVING);

    redis.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> health(channel) == ServingStatus.SERVING);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              try {
                return unary(channel).getResponseMessage().equals("ok");
              } catch (StatusRuntimeException stillDenied) {
                return false;
              }
            });
  }

  private ManagedChannel startServer(String... extra) {
    return startServerOn(redis.uri().toString(), extra);
  }

  private ManagedChannel startServerOn(String redisUris, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--tls.mode=plaintext",
                "--metrics.port=0",
                "--server.shutdown-grace=1s",
                "--ratelimit.backend=redis",
                "--ratelimit.redis.uri=" + redisUris));
    args.addAll(List.of(extra));
    MeshServer server =
        MeshApplication.start(args.toArray(String[]::new), List.of(binding()), Map.of(), dir);
    servers.add(server);
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    channels.add(channel);
    return channel;
  }

  private static SimpleResponse unary(ManagedChannel channel) {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build());
  }

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  private static RetryInfo retryInfo(StatusRuntimeException refused) {
    com.google.rpc.Status details = StatusProto.fromThrowable(refused);
    assertThat(details).isNotNull();
    return details.getDetailsList().stream()
        .filter(any -> any.is(RetryInfo.class))
        .map(
            any -> {
              try {
                return any.unpack(RetryInfo.class);
              } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
              }
            })
        .findFirst()
        .orElseThrow(() -> new AssertionError("no RetryInfo in " + details));
  }

  private static MeshBinding binding() {
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            responses.onNext(SimpleResponse.newBuilder().setResponseMessage("ok").build());
            responses.onCompleted();
          }
        };
    return MeshBinding.of(
        service.bindService(),
        List.of(
            UNARY,
            MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build()));
  }
}
