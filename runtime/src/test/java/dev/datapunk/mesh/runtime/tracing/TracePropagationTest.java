package dev.datapunk.mesh.runtime.tracing;

import static dev.datapunk.mesh.runtime.tracing.OtlpReceiver.attributes;
import static dev.datapunk.mesh.runtime.tracing.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.client.MeshChannels;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace across two real servers: a call to the upstream server, whose service code calls the
 * downstream server through its {@code client.downstream} channel, gives three spans in one trace,
 * each the parent of the next: upstream SERVER, upstream CLIENT, downstream SERVER.
 */
class TracePropagationTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String CALLER_SPAN_ID = "b7ad6b7169203331";

  @TempDir Path upstreamDir;
  @TempDir Path downstreamDir;

  private final TracedService downstreamService = new TracedService();
  private OtlpReceiver receiver;
  private MeshServer downstream;
  private MeshServer upstream;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (downstream != null) {
      downstream.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  /** Relays UnaryRpc to the downstream server's ServerStreamingRpc through the mesh client. */
  private static final class RelayService extends SimpleServiceGrpc.SimpleServiceImplBase {
    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      Iterator<SimpleResponse> relayed =
          SimpleServiceGrpc.newBlockingStub(MeshChannels.current().channel("downstream"))
              .serverStreamingRpc(request);
      SimpleResponse first = relayed.next();
      // Read the stream to its end, so the downstream call ends OK before this call ends; left
      // open, it would be cancelled with this call's context and its client span say CANCELLED.
      relayed.forEachRemaining(unused -> {});
      responses.onNext(first);
      responses.onCompleted();
    }
  }

  private static MeshModule relay() {
    return MeshModule.builder()
        .binding(
            MeshBinding.of(
                new RelayService().bindService(),
                List.of(
                    MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
                        .publicAccess()
                        .build(),
                    MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod())
                        .publicAccess()
                        .build(),
                    MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod())
                        .publicAccess()
                        .build(),
                    MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod())
                        .publicAccess()
                        .build())))
        .build();
  }

  @Test
  void theDownstreamServerSpanIsAChildOfTheUpstreamClientSpan() {
    receiver = OtlpReceiver.start();
    List<String> common =
        List.of(
            "--server.host=127.0.0.1",
            "--server.port=0",
            "--tls.mode=plaintext",
            "--metrics.port=0",
            "--tracing.enabled=true",
            receiver.endpointArgument());
    downstream =
        MeshApplication.start(
            args(common, "--tracing.service-name=inventory"),
            downstreamService.module(),
            Map.of(),
            downstreamDir);
    int downstreamPort = downstream.port();
    upstream =
        MeshApplication.start(
            args(
                common,
                "--tracing.service-name=orders",
                "--client.downstream.target=127.0.0.1:" + downstreamPort,
                "--client.downstream.tls-mode=plaintext"),
            relay(),
            Map.of(),
            upstreamDir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", upstream.port(), InsecureChannelCredentials.create())
            .build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");
    String reply =
        SimpleServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(
                    channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .unaryRpc(SimpleRequest.newBuilder().setRequestMessage("relay me").build())
            .getResponseMessage();
    assertThat(reply).isEqualTo("relay me");

    upstream.close();
    downstream.close();
    List<Span> spans = receiver.awaitSpans(3);
    assertThat(spans)
        .hasSize(3)
        .allSatisfy(span -> assertThat(hex(span.getTraceId())).isEqualTo(TRACE_ID));
    Span upstreamServer =
        only(spans, Span.SpanKind.SPAN_KIND_SERVER, "grpc.testing.SimpleService/UnaryRpc");
    Span upstreamClient =
        only(
            spans, Span.SpanKind.SPAN_KIND_CLIENT, "grpc.testing.SimpleService/ServerStreamingRpc");
    Span downstreamServer =
        only(
            spans, Span.SpanKind.SPAN_KIND_SERVER, "grpc.testing.SimpleService/ServerStreamingRpc");

    assertThat(hex(upstreamServer.getParentSpanId())).isEqualTo(CALLER_SPAN_ID);
    assertThat(upstreamClient.getParentSpanId()).isEqualTo(upstreamServer.getSpanId());
    assertThat(downstreamServer.getParentSpanId()).isEqualTo(upstreamClient.getSpanId());
    assertThat(downstreamService.currentSpan.get().getSpanId())
        .isEqualTo(hex(downstreamServer.getSpanId()));

    assertThat(attributes(upstreamClient))
        .containsEntry("rpc.system", "grpc")
        .containsEntry("rpc.service", "grpc.testing.SimpleService")
        .containsEntry("rpc.method", "ServerStreamingRpc")
        .containsEntry("server.address", "127.0.0.1")
        .containsEntry("server.port", Integer.toString(downstreamPort))
        .containsEntry("rpc.grpc.status_code", "0");
    // Each server exported its own spans, under its own service name.
    assertThat(receiver.requests())
        .allSatisfy(request -> assertThat(request.getResourceSpansList()).hasSize(1));
    assertThat(
            receiver.requests().stream()
                .map(
                    request ->
                        OtlpReceiver.text(
                                request.getResourceSpans(0).getResource().getAttributesList())
                            .get("service.name"))
                .distinct())
        .containsExactlyInAnyOrder("orders", "inventory");
  }

  private static Span only(List<Span> spans, Span.SpanKind kind, String name) {
    List<Span> matching =
        spans.stream()
            .filter(span -> span.getKind() == kind && span.getName().equals(name))
            .toList();
    assertThat(matching).as(kind + " " + name).hasSize(1);
    return matching.get(0);
  }

  private static String[] args(List<String> common, String... more) {
    return Stream.concat(common.stream(), Arrays.stream(more)).toArray(String[]::new);
  }
}
