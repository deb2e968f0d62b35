package dev.datapunk.mesh.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.tracing.otlp.OtlpTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OTLP export of {@link OtlpTracing} against a real receiver that refuses or answers slowly:
 * the exporter reuses its marshalling buffers from one export to the next, so every request, first
 * attempt or retry, must carry exactly the spans of its batch, intact.
 */
class OtlpExportTest {

  private static final AttributeKey<Long> INDEX = AttributeKey.longKey("test.index");
  private static final AttributeKey<String> PAYLOAD = AttributeKey.stringKey("test.payload");

  private OtlpReceiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void anExportTheReceiverRefusesIsRetriedWithTheSameSpans() {
    receiver = OtlpReceiver.start(1, Duration.ZERO);

    exportSpans(10);

    assertThat(receiver.refused()).hasSize(1);
    assertThat(receiver.requests()).hasSize(1);
    assertThat(receiver.requests().get(0)).isEqualTo(receiver.refused().get(0));
    assertEverySpanOnceAndIntact(receiver.spans(), 10);
  }

  @Test
  void exportsToASlowReceiverFollowingEachOtherCarryEachTheirOwnSpansIntact() {
    receiver = OtlpReceiver.start(0, Duration.ofMillis(300));
    int spans = 3 * 2_048 + 100; // more than three full exports

    exportSpans(spans);

    assertThat(receiver.requests()).hasSizeGreaterThanOrEqualTo(4);
    assertEverySpanOnceAndIntact(receiver.spans(), spans);
  }

  /**
   * Records {@code count} spans, each with its index and a payload made from it, and flushes them.
   */
  private void exportSpans(int count) {
    TracingSettings settings =
        new TracingSettings(
            true,
            URI.create("http://127.0.0.1:" + receiver.port()),
            1.0,
            Optional.of("export-test"),
            Duration.ofSeconds(20),
            Map.of(),
            false);
    OtlpTracing tracing = OtlpTracing.start(settings);
    try {
      Tracer tracer = tracing.openTelemetry().getTracer("export-test");
      for (int i = 0; i < count; i++) {
        tracer
            .spanBuilder("span-" + i)
            .setAttribute(INDEX, (long) i)
            .setAttribute(PAYLOAD, payload(i))
            .startSpan()
            .end();
      }
    } finally {
      tracing.close();
    }
  }

  private static void assertEverySpanOnceAndIntact(List<Span> received, int count) {
    assertThat(
            received.stream()
                .map(span -> Long.parseLong(OtlpReceiver.attributes(span).get("test.index"))))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, count).mapToObj(i -> (long) i).toList());
    assertThat(received)
        .allSatisfy(
            span -> {
              int index = Integer.parseInt(OtlpReceiver.attributes(span).get("test.index"));
              assertThat(span.getName()).isEqualTo("span-" + index);
              assertThat(OtlpReceiver.attributes(span))
                  .containsEntry("test.payload", payload(index));
            });
  }

  /** A value that differs from span to span all along its length (about 200 bytes). */
  private static String payload(int index) {
    return ("payload-" + index + "-").repeat(16);
  }
}
