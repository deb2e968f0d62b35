package dev.datapunk.mesh.runtime.metrics;

import static dev.datapunk.mesh.runtime.metrics.MeteredServer.request;
import static dev.datapunk.mesh.runtime.metrics.MeteredServer.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.config.ConfigException;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes the real {@code /metrics} endpoint of a real mesh server after real calls over loopback
 * and asserts the exact samples.
 */
class PrometheusEndpointTest {

  private static final String UNARY =
      "method=\"UnaryRpc\",methodType=\"UNARY\",service=\"grpc.testing.SimpleService\"";
  private static final String STREAMING =
      "method=\"ServerStreamingRpc\",methodType=\"SERVER_STREAMING\",service=\"grpc.testing.SimpleService\"";
  private static final String CLIENT_STREAMING =
      "method=\"ClientStreamingRpc\",methodType=\"CLIENT_STREAMING\",service=\"grpc.testing.SimpleService\"";
  private static final String DURATION = "grpc_server_processing_duration_seconds";

  @Test
  void everyCallIsCountedWithTheStatusTheClientSaw(@TempDir Path dir) throws Exception {
    try (MeteredServer server =
        MeteredServer.start(
            dir, "--metrics.tags.zone=eu1", "--server.max-inbound-message-size=1KiB")) {
      var stub = server.blocking();
      // UnaryRpc: burst 3, so OK, UNKNOWN (the service throws), OK, then RESOURCE_EXHAUSTED.
      assertThat(stub.unaryRpc(request("one")).getResponseMessage()).isEqualTo("one");
      assertCode(Status.Code.UNKNOWN, () -> stub.unaryRpc(request("boom")));
      stub.unaryRpc(request("two"));
      assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> stub.unaryRpc(request("three")));
      // ServerStreamingRpc: no token, a token without the scope, then a streaming call with three
      // replies.
      assertCode(Status.Code.UNAUTHENTICATED, () -> stub.serverStreamingRpc(request("")).next());
      String unscoped = server.token("alice", "write");
      assertCode(
          Status.Code.PERMISSION_DENIED,
          () -> withToken(stub, unscoped).serverStreamingRpc(request("")).next());
      List<String> replies = new ArrayList<>();
      withToken(stub, server.token("alice", "read"))
          .serverStreamingRpc(request(""))
          .forEachRemaining(reply -> replies.add(reply.getResponseMessage()));
      assertThat(replies).containsExactly("reply 0", "reply 1", "reply 2");
      // ClientStreamingRpc: a request over server.max-inbound-message-size, refused by the
      // transport.
      assertThat(clientStreaming(server, "x".repeat(2048)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

      String text = server.scrape();

      assertThat(text.lines())
          .contains(
              DURATION + "_count{" + UNARY + ",statusCode=\"OK\",zone=\"eu1\"} 2",
              DURATION + "_count{" + UNARY + ",statusCode=\"UNKNOWN\",zone=\"eu1\"} 1",
              DURATION + "_count{" + UNARY + ",statusCode=\"RESOURCE_EXHAUSTED\",zone=\"eu1\"} 1",
              DURATION + "_count{" + STREAMING + ",statusCode=\"UNAUTHENTICATED\",zone=\"eu1\"} 1",
              DURATION
                  + "_count{"
                  + STREAMING
                  + ",statusCode=\"PERMISSION_DENIED\",zone=\"eu1\"} 1",
              DURATION + "_count{" + STREAMING + ",statusCode=\"OK\",zone=\"eu1\"} 1",
              DURATION
                  + "_count{"
                  + CLIENT_STREAMING
                  + ",statusCode=\"RESOURCE_EXHAUSTED\",zone=\"eu1\"} 1",
              DURATION + "_bucket{" + UNARY + ",statusCode=\"OK\",zone=\"eu1\",le=\"+Inf\"} 2",
              "grpc_server_responses_sent_messages_total{" + STREAMING + ",zone=\"eu1\"} 3.0",
              "grpc_server_responses_sent_messages_total{" + UNARY + ",zone=\"eu1\"} 2.0",
              "grpc_server_requests_received_messages_total{" + STREAMING + ",zone=\"eu1\"} 1.0",
              "mesh_server_calls_active_calls{zone=\"eu1\"} 0.0",
              // One bucket per caller: the unary calls' remote address, alice's subject.
              "mesh_ratelimit_clients{backend=\"local\",zone=\"eu1\"} 2.0",
              "executor_pool_core_threads{name=\"mesh-worker\",zone=\"eu1\"} 10.0");
      // No statusCode other than the ones the clients saw.
      assertThat(text.lines().filter(l -> l.startsWith(DURATION + "_count{") && !l.endsWith(" 0")))
          .hasSize(7);
      // Percentile histogram buckets by default.
      assertThat(
              text.lines()
                  .filter(l -> l.startsWith(DURATION + "_bucket{" + UNARY + ",statusCode=\"OK\""))
                  .count())
          .isGreaterThan(20);
      // JVM and process binders.
      assertThat(text)
          .contains(
              "\njvm_memory_used_bytes{area=\"heap\"",
              "\njvm_threads_live_threads{",
              "\njvm_gc_max_data_size_bytes{",
              "\njvm_gc_overhead{",
              "\njvm_classes_loaded_classes{",
              "\nprocess_cpu_usage{",
              "\nsystem_cpu_count{",
              "\nprocess_files_open_files{",
              "\nprocess_uptime_seconds{");
    }
  }

  @Test
  void openMetricsWhenTheScraperAsksForIt(@TempDir Path dir) throws Exception {
    try (MeteredServer server = MeteredServer.start(dir)) {
      server.blocking().unaryRpc(request("hi"));
      HttpResponse<String> om =
          server.get(
              "/metrics",
              "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                  + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
      assertThat(om.statusCode()).isEqualTo(200);
      assertThat(om.headers().firstValue("Content-Type"))
          .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(om.body()).endsWith("# EOF\n");
      assertThat(om.body().lines())
          .contains(
              "grpc_server_requests_received_messages_total{" + UNARY + "} 1.0",
              "# TYPE " + DURATION + " histogram");

      HttpResponse<String> text = server.get("/metrics", "text/plain");
      assertThat(text.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(text.body()).doesNotContain("# EOF");
    }
  }

  @Test
  void onlyGetAndHeadOfMetrics(@TempDir Path dir) throws Exception {
    try (MeteredServer server = MeteredServer.start(dir)) {
      assertThat(server.get("/", null).statusCode()).isEqualTo(404);
      assertThat(server.get("/metrics/x", null).statusCode()).isEqualTo(404);
      URI uri = URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics");
      HttpResponse<String> post =
          server
              .http()
              .send(
                  HttpRequest.newBuilder(uri)
                      .POST(HttpRequest.BodyPublishers.ofString("x"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
      HttpResponse<Void> head =
          server
              .http()
              .send(
                  HttpRequest.newBuilder(uri)
                      .method("HEAD", HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(head.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void sloBoundariesBecomeBucketsAndHistogramsCanBeTurnedOff(@TempDir Path dir) throws Exception {
    try (MeteredServer server =
        MeteredServer.start(dir, "--metrics.histogram=false", "--metrics.slo=5ms,250ms")) {
      server.blocking().unaryRpc(request("hi"));
      List<String> buckets =
          server
              .scrape()
              .lines()
              .filter(l -> l.startsWith(DURATION + "_bucket{" + UNARY + ",statusCode=\"OK\""))
              .toList();
      assertThat(buckets).hasSize(3);
      assertThat(buckets.get(0)).contains("le=\"0.005\"");
      assertThat(buckets.get(1)).contains("le=\"0.25\"");
      assertThat(buckets.get(2)).endsWith("le=\"+Inf\"} 1");
    }
  }

  @Test
  void metricsPortZeroTurnsTheEndpointOff(@TempDir Path dir) {
    var server =
        MeshApplication.start(
            new String[] {
              "--server.host=127.0.0.1",
              "--server.port=0",
              "--tls.mode=plaintext",
              "--metrics.port=0"
            },
            List.of(MeteredServer.binding()),
            Map.of(),
            dir);
    try {
      assertThat(server.metricsPort()).isEmpty();
    } finally {
      server.close();
    }
  }

  @Test
  void aTakenMetricsPortIsAStartupErrorNamingTheKey(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () ->
                  MeshApplication.start(
                          new String[] {
                            "--server.host=127.0.0.1",
                            "--server.port=0",
                            "--tls.mode=plaintext",
                            "--metrics.port=" + port
                          },
                          List.of(MeteredServer.binding()),
                          Map.of(),
                          dir)
                      .close());
      assertThat(e)
          .hasMessageStartingWith(
              "metrics.port: cannot listen on 127.0.0.1:" + port + " for the Prometheus endpoint");
    }
  }

  @Test
  void aCommonTagNamedLikeAMeshTagIsRefused(@TempDir Path dir) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                MeshApplication.start(
                        new String[] {
                          "--server.host=127.0.0.1",
                          "--server.port=0",
                          "--tls.mode=plaintext",
                          "--metrics.port=0",
                          "--metrics.tags.service=inventory"
                        },
                        List.of(MeteredServer.binding()),
                        Map.of(),
                        dir)
                    .close());
    assertThat(e).hasMessageContaining("metrics.tags.service:");
  }

  private static void assertCode(Status.Code code, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertThat(e.getStatus().getCode()).isEqualTo(code);
  }

  /** A client-streaming call sending {@code message}; the error it ended with, or null. */
  static Throwable clientStreaming(MeteredServer server, String message) throws Exception {
    CompletableFuture<SimpleResponse> result = new CompletableFuture<>();
    StreamObserver<SimpleRequest> requests =
        ClientCalls.asyncClientStreamingCall(
            server
                .channel()
                .newCall(
                    SimpleServiceGrpc.getClientStreamingRpcMethod(),
                    CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)),
            new StreamObserver<>() {
              @Override
              public void onNext(SimpleResponse value) {
                result.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                result.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(request(message));
    requests.onCompleted();
    try {
      result.get(20, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
