package dev.datapunk.mesh.test;

import static dev.datapunk.mesh.test.probe.ProbeService.method;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.tracing.SpanAttributes;
import dev.datapunk.mesh.test.probe.MeshMain;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc;
import dev.datapunk.mesh.test.probe.v1.ReadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The tracing stage, outermost in the chain, with an OpenTelemetry the test gives the kit. */
class TracingTest {

  @Test
  void everyCallOfAMeshServiceIsAServerSpanWithItsStatus() {
    List<SpanData> spans = new CopyOnWriteArrayList<>();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Collecting(spans)))
            .build();
    try (provider;
        MeshTestServer mesh =
            MeshTestServer.builder(MeshMain.module())
                .openTelemetry(tracingWith(provider))
                .start()) {
      ReadRequest greeting = ReadRequest.newBuilder().setKey("greeting").build();
      mesh.withToken(mesh.token("alice", "probe:read"))
          .stub(ProbeServiceGrpc::newBlockingStub)
          .read(greeting);
      assertThatThrownBy(() -> mesh.stub(ProbeServiceGrpc::newBlockingStub).read(greeting))
          .isInstanceOf(StatusRuntimeException.class);
    }
    assertThat(spans)
        .hasSize(2)
        .allSatisfy(
            span -> {
              assertThat(span.getName()).isEqualTo(method("Read"));
              assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
            });
    assertThat(spans.get(0).getAttributes().get(SpanAttributes.RPC_GRPC_STATUS_CODE))
        .isEqualTo((long) Status.Code.OK.value());
    assertThat(spans.get(1).getAttributes().get(SpanAttributes.RPC_GRPC_STATUS_CODE))
        .isEqualTo((long) Status.Code.UNAUTHENTICATED.value());
  }

  @Test
  void tracingEnabledIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                MeshTestServer.builder(MeshMain.module())
                    .args("--tracing.enabled=true")
                    .start()
                    .close())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tracing.enabled: the mesh test server exports no spans");
  }

  private static OpenTelemetry tracingWith(TracerProvider provider) {
    return new OpenTelemetry() {
      @Override
      public TracerProvider getTracerProvider() {
        return provider;
      }

      @Override
      public ContextPropagators getPropagators() {
        return ContextPropagators.noop();
      }
    };
  }

  /** Keeps every span it is given. */
  private record Collecting(List<SpanData> spans) implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
