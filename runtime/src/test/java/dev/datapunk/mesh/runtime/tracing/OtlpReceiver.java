package dev.datapunk.mesh.runtime.tracing;

import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real OTLP/gRPC receiver on 127.0.0.1: the collector's {@code TraceService} on a Netty server,
 * keeping every export request and the headers it came with. It can refuse its first requests
 * ({@code UNAVAILABLE}, which exporters retry) and answer each request only after a delay.
 */
final class OtlpReceiver implements AutoCloseable {

  private final List<ExportTraceServiceRequest> requests = new CopyOnWriteArrayList<>();
  private final List<ExportTraceServiceRequest> refused = new CopyOnWriteArrayList<>();
  private final List<Metadata> headers = new CopyOnWriteArrayList<>();
  private final AtomicInteger refusalsLeft;
  private final Duration answerDelay;
  private final Server server;

  private OtlpReceiver(int refusals, Duration answerDelay) {
    this.refusalsLeft = new AtomicInteger(refusals);
    this.answerDelay = answerDelay;
    TraceServiceGrpc.TraceServiceImplBase service =
        new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(
              ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> response) {
            pause();
            if (refusalsLeft.getAndDecrement() > 0) {
              refused.add(request);
              response.onError(
                  Status.UNAVAILABLE.withDescription("refused by the test").asRuntimeException());
              return;
            }
            requests.add(request);
            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        };
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                ServerInterceptors.intercept(
                    service,
                    new ServerInterceptor() {
                      @Override
                      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
                          ServerCall<ReqT, RespT> call,
                          Metadata metadata,
                          ServerCallHandler<ReqT, RespT> next) {
                        headers.add(metadata);
                        return next.startCall(call, metadata);
                      }
                    }))
            .build();
  }

  /** A receiver listening on a free loopback port. */
  static OtlpReceiver start() {
    return start(0, Duration.ZERO);
  }

  /**
   * A receiver listening on a free loopback port that answers its first {@code refusals} requests
   * with {@code UNAVAILABLE}, and every request only after {@code answerDelay}.
   */
  static OtlpReceiver start(int refusals, Duration answerDelay) {
    OtlpReceiver receiver = new OtlpReceiver(refusals, answerDelay);
    try {
      receiver.server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return receiver;
  }

  /** {@code --tracing.endpoint=...} for this receiver. */
  String endpointArgument() {
    return "--tracing.endpoint=http://127.0.0.1:" + port();
  }

  /** The port this receiver listens on. */
  int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Every export request refused so far, in arrival order. */
  List<ExportTraceServiceRequest> refused() {
    return List.copyOf(refused);
  }

  /** Every export request accepted so far. */
  List<ExportTraceServiceRequest> requests() {
    return List.copyOf(requests);
  }

  /** The headers of every export request so far. */
  List<Metadata> headers() {
    return List.copyOf(headers);
  }

  /** Every span received so far, in arrival order. */
  List<Span> spans() {
    List<Span> spans = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans resource : request.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          spans.addAll(scope.getSpansList());
        }
      }
    }
    return spans;
  }

  /** Waits until {@code count} spans have arrived (at most 10 s) and returns them. */
  List<Span> awaitSpans(int count) {
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> spans().size() >= count);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          count
              + " spans expected within 10 s; received "
              + spans().stream().map(span -> span.getName() + " " + attributes(span)).toList(),
          e);
    }
    return spans();
  }

  /** The span named {@code name} whose {@code mesh.status} is {@code status}; exactly one. */
  Span span(String name, String status) {
    List<Span> matching =
        spans().stream()
            .filter(
                span ->
                    span.getName().equals(name)
                        && attributes(span).get("mesh.status").equals(status))
            .toList();
    if (matching.size() != 1) {
      throw new AssertionError(
          matching.size() + " spans " + name + " with mesh.status " + status + " in " + spans());
    }
    return matching.get(0);
  }

  /** The attributes of {@code span} as text ({@code 16}, {@code "ipv4"} as {@code ipv4}). */
  static Map<String, String> attributes(Span span) {
    return text(span.getAttributesList());
  }

  /** {@code attributes} as text, by key. */
  static Map<String, String> text(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv.getValue())));
  }

  /**
   * Every attribute value anywhere in the exported data (resource, scope, span, event, link), as
   * text.
   */
  List<String> everyValue() {
    List<String> values = new ArrayList<>();
    Function<List<KeyValue>, List<String>> texts =
        list -> list.stream().map(kv -> text(kv.getValue())).toList();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans resource : request.getResourceSpansList()) {
        values.addAll(texts.apply(resource.getResource().getAttributesList()));
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          values.addAll(texts.apply(scope.getScope().getAttributesList()));
          for (Span span : scope.getSpansList()) {
            values.add(span.getName());
            values.add(span.getTraceState());
            values.add(span.getStatus().getMessage());
            values.addAll(texts.apply(span.getAttributesList()));
            span.getEventsList()
                .forEach(
                    event -> {
                      values.add(event.getName());
                      values.addAll(texts.apply(event.getAttributesList()));
                    });
            span.getLinksList()
                .forEach(link -> values.addAll(texts.apply(link.getAttributesList())));
          }
        }
      }
    }
    return values;
  }

  /** The value of the resource attribute {@code key} of the first export, if any. */
  Optional<String> resourceAttribute(String key) {
    return requests.stream()
        .flatMap(r -> r.getResourceSpansList().stream())
        .flatMap(r -> r.getResource().getAttributesList().stream())
        .filter(kv -> kv.getKey().equals(key))
        .map(kv -> text(kv.getValue()))
        .findFirst();
  }

  private void pause() {
    try {
      Thread.sleep(answerDelay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String hex(com.google.protobuf.ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
