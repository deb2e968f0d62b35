package dev.datapunk.mesh.runtime.tracing;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.errors.HandlerResults;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * grpc-testing's SimpleService for the tracing tests; it remembers the span and baggage current
 * while its code runs.
 *
 * <ul>
 *   <li>{@code UnaryRpc}: {@code @Secured("read")}, {@code @RateLimit(rps = 0.01, burst = 3)}. The
 *       request message says what happens: {@code missing} throws {@link MissingException} (mapped
 *       to NOT_FOUND), {@code secret} throws an exception no handler maps, {@code block} waits for
 *       {@link #release}; anything else is echoed.
 *   <li>{@code ServerStreamingRpc}: {@code @Public}, no limit; echoes once.
 * </ul>
 */
final class TracedService extends SimpleServiceGrpc.SimpleServiceImplBase {

  static final String UNARY = "grpc.testing.SimpleService/UnaryRpc";
  static final String PUBLIC = "grpc.testing.SimpleService/ServerStreamingRpc";

  /** Mapped to NOT_FOUND by the module's handler. */
  static final class MissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingException() {
      super("no such item");
    }
  }

  final AtomicReference<SpanContext> currentSpan = new AtomicReference<>();
  final AtomicReference<String> tenant = new AtomicReference<>();
  final CountDownLatch blocked = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** The module serving this service, with the handler of {@link MissingException}. */
  MeshModule module() {
    MeshBinding binding =
        MeshBinding.of(
            bindService(),
            List.of(
                MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
                    .requireScopes("read")
                    .rateLimit(0.01, 3)
                    .build(),
                MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod())
                    .publicAccess()
                    .build(),
                MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod())
                    .publicAccess()
                    .build(),
                MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod())
                    .publicAccess()
                    .build()));
    return MeshModule.builder()
        .binding(binding)
        .exceptionHandlers(
            ExceptionHandlers.builder()
                .on(
                    MissingException.class,
                    (exception, trailers) ->
                        HandlerResults.of(
                            Status.NOT_FOUND.withDescription(exception.getMessage()), trailers))
                .build())
        .build();
  }

  /** Lets a {@code block} call finish. */
  void release() {
    release.countDown();
  }

  @Override
  public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
    currentSpan.set(Span.current().getSpanContext());
    tenant.set(Baggage.current().getEntryValue("tenant"));
    switch (request.getRequestMessage()) {
      case "missing" -> throw new MissingException();
      case "secret" -> throw new IllegalStateException("db password hunter2");
      case "block" -> {
        blocked.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        reply(request, responses);
      }
      default -> reply(request, responses);
    }
  }

  @Override
  public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
    currentSpan.set(Span.current().getSpanContext());
    reply(request, responses);
  }

  private static void reply(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
    responses.onNext(
        SimpleResponse.newBuilder().setResponseMessage(request.getRequestMessage()).build());
    responses.onCompleted();
  }
}
