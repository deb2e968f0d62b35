package dev.datapunk.mesh.runtime.errors;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.Metadata;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.util.List;

/**
 * grpc-testing's SimpleService raising exceptions on request, on all four kinds of method, with
 * exception handlers of its own and global ones written as the processor generates them.
 *
 * <p>Unary: the request message names what happens ({@code missing} throws {@link
 * MissingException}, {@code missing-on-error} passes it to {@code onError}, and so on; anything
 * else is echoed). Server streaming: one reply, then {@link MissingException}. Client streaming:
 * {@link MissingException} thrown on a message {@code missing}. Bidi: a message {@code missing} is
 * passed to {@code onError} as {@link MissingException}, others are echoed.
 */
final class FailingService extends SimpleServiceGrpc.SimpleServiceImplBase {

  static final String SERVICE = SimpleServiceGrpc.SERVICE_NAME;
  static final Metadata.Key<String> CONFLICT_ID =
      Metadata.Key.of("x-conflict-id", Metadata.ASCII_STRING_MARSHALLER);

  /** Mapped by the service to NOT_FOUND. */
  static class MissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /**
   * A {@link MissingException} the global handlers map, more specifically, to FAILED_PRECONDITION.
   */
  static final class ExpiredException extends MissingException {
    private static final long serialVersionUID = 1L;
  }

  /** Mapped by both scopes: the service's ABORTED wins over the global ALREADY_EXISTS. */
  static final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** Its handler throws. */
  static final class BrokenHandlerException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** Its handler answers OK. */
  static final class OkException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Override
  public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
    switch (request.getRequestMessage()) {
      case "missing" -> throw new MissingException();
      case "missing-on-error" -> responses.onError(new MissingException());
      case "expired" -> throw new ExpiredException();
      case "conflict" -> throw new ConflictException();
      case "invalid" -> throw new IllegalArgumentException("quantity must be >= 0");
      case "broken-handler" -> throw new BrokenHandlerException();
      case "ok-handler" -> throw new OkException();
      case "secret" -> throw new IllegalStateException("secret detail of the database");
      case "status-thrown" ->
          throw Status.NOT_FOUND.withDescription("thrown status").asRuntimeException();
      case "status-on-error" ->
          responses.onError(Status.ALREADY_EXISTS.withDescription("chosen").asRuntimeException());
      default -> {
        responses.onNext(reply(request.getRequestMessage()));
        responses.onCompleted();
      }
    }
  }

  @Override
  public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
    responses.onNext(reply("first"));
    throw new MissingException();
  }

  @Override
  public StreamObserver<SimpleRequest> clientStreamingRpc(
      StreamObserver<SimpleResponse> responses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(SimpleRequest value) {
        if (value.getRequestMessage().equals("missing")) {
          throw new MissingException();
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onNext(reply("done"));
        responses.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> responses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(SimpleRequest value) {
        if (value.getRequestMessage().equals("missing")) {
          responses.onError(new MissingException());
        } else {
          responses.onNext(reply(value.getRequestMessage()));
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }

  static SimpleResponse reply(String message) {
    return SimpleResponse.newBuilder().setResponseMessage(message).build();
  }

  // The service's own handlers.

  Status missing(MissingException e) {
    return Status.NOT_FOUND.withDescription("no such item");
  }

  StatusRuntimeException conflict(ConflictException e, Metadata trailers) {
    trailers.put(CONFLICT_ID, "c-42");
    return Status.ABORTED.withDescription("conflicting write").asRuntimeException();
  }

  @SuppressWarnings(
      "DoNotCallSuggester") // an exception handler that fails on purpose; the mesh calls it
  Status broken(BrokenHandlerException e) {
    throw new IllegalStateException("the handler itself failed");
  }

  // Global handlers.

  static StatusException expired(ExpiredException e) {
    return Status.FAILED_PRECONDITION.withDescription("item expired").asException();
  }

  static Status conflictGlobally(ConflictException e) {
    return Status.ALREADY_EXISTS;
  }

  static com.google.rpc.Status invalid(IllegalArgumentException e) {
    BadRequest details =
        BadRequest.newBuilder()
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField("quantity")
                    .setDescription(e.getMessage()))
            .build();
    return com.google.rpc.Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage("invalid request")
        .addDetails(Any.pack(details))
        .build();
  }

  static Status ok(OkException e) {
    return Status.OK;
  }

  /**
   * The global handlers, most specific first, as the bootstrap's {@code extensions()} lists them.
   */
  static ExceptionHandlers globalHandlers() {
    return ExceptionHandlers.builder()
        .on(
            ExpiredException.class,
            (exception, trailers) -> HandlerResults.of(expired(exception), trailers))
        .on(
            ConflictException.class,
            (exception, trailers) -> HandlerResults.of(conflictGlobally(exception), trailers))
        .on(
            IllegalArgumentException.class,
            (exception, trailers) -> HandlerResults.of(invalid(exception), trailers))
        .on(OkException.class, (exception, trailers) -> HandlerResults.of(ok(exception), trailers))
        .build();
  }

  /** The binding, as the processor generates it for a service with these handlers. */
  static MeshBinding binding(List<MethodPolicy> policies) {
    FailingService service = new FailingService();
    return new MeshBinding() {
      @Override
      public ServerServiceDefinition bindService() {
        return service.bindService();
      }

      @Override
      public List<MethodPolicy> policies() {
        return policies;
      }

      @Override
      public ExceptionHandlers exceptionHandlers() {
        return ExceptionHandlers.builder()
            .on(
                ConflictException.class,
                (exception, trailers) ->
                    HandlerResults.of(service.conflict(exception, trailers), trailers))
            .on(
                BrokenHandlerException.class,
                (exception, trailers) -> HandlerResults.of(service.broken(exception), trailers))
            .on(
                MissingException.class,
                (exception, trailers) -> HandlerResults.of(service.missing(exception), trailers))
            .build();
      }
    };
  }

  /** Every method open, without limit. */
  static List<MethodPolicy> openPolicies() {
    return List.of(
        MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).build(),
        MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build(),
        MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
        MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build());
  }
}
