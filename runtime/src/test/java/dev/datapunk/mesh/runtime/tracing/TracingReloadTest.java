package dev.datapunk.mesh.runtime.tracing;

import static dev.datapunk.mesh.runtime.tracing.OtlpReceiver.attributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.ConfigFiles;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.config.ConfigChange;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.ReloadReport;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracing.sampling-ratio} and {@code tracing.headers} change while a real server runs, from
 * its rewritten {@code mesh.yaml}; the endpoint needs a restart and says so.
 */
class TracingReloadTest {

  private static final Metadata.Key<String> API_KEY =
      Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;

  private final TracedService service = new TracedService();
  private OtlpReceiver receiver;
  private MeshServer server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private String file(String ratio, String apiKey, String endpoint) {
    return "tracing:\n  enabled: true\n  sampling-ratio: "
        + ratio
        + "\n  headers: [\"x-api-key="
        + apiKey
        + "\"]\n"
        + "  endpoint: "
        + endpoint
        + "\n";
  }

  private void publicCall(String message) {
    SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverStreamingRpc(SimpleRequest.newBuilder().setRequestMessage(message).build())
        .forEachRemaining(r -> {});
  }

  @Test
  void theSamplingRatioAndTheExportHeadersChangeWhileTheServerRuns() throws Exception {
    receiver = OtlpReceiver.start();
    String endpoint = receiver.endpointArgument().substring("--tracing.endpoint=".length());
    ConfigFiles.write(dir.resolve("mesh.yaml"), file("0", "first-key", endpoint));
    server =
        MeshApplication.start(
            new String[] {
              "--server.host=127.0.0.1",
              "--server.port=0",
              "--tls.mode=plaintext",
              "--metrics.port=0"
            },
            service.module(),
            Map.of(),
            dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    publicCall("before");
    assertThat(service.currentSpan.get().isSampled()).isFalse();

    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    try (StderrCapture stderr = StderrCapture.start()) {
      ConfigFiles.write(dir.resolve("mesh.yaml"), file("1", "second-key", "http://127.0.0.1:1"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
      ReloadReport report = watcher.lastReport().orElseThrow();
      assertThat(report.applied())
          .extracting(ConfigChange::toString)
          .containsExactly(
              "tracing.sampling-ratio 0 -> 1", "tracing.headers x-api-key=**** -> x-api-key=****");
      assertThat(report.needsRestart())
          .extracting(ConfigChange::key)
          .containsExactly("tracing.endpoint");
      assertThat(stderr.text()).doesNotContain("first-key").doesNotContain("second-key");
    }
    publicCall("after");
    assertThat(service.currentSpan.get().isSampled()).isTrue();

    server.close();
    List<Span> spans = receiver.awaitSpans(1);
    assertThat(spans)
        .singleElement()
        .satisfies(span -> assertThat(attributes(span)).containsEntry("mesh.status", "OK"));
    // Still the endpoint the server started with, now with the new header.
    assertThat(receiver.headers())
        .isNotEmpty()
        .allSatisfy(headers -> assertThat(headers.get(API_KEY)).isEqualTo("second-key"));
  }
}
