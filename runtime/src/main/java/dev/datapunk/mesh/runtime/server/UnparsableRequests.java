package dev.datapunk.mesh.runtime.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request message that does not parse with INVALID_ARGUMENT and a short message.
 *
 * <p>Without this, grpc-java closes such a call with UNKNOWN "Application error processing RPC"
 * from deep inside the transport, and the call's listeners are never told the call ended (the
 * in-flight gauge kept counting it). Here the request marshaller catches the parse failure and
 * hands on a marker through the call chain; the service's own listener, innermost, closes the call
 * with INVALID_ARGUMENT instead of passing the marker to the service, so every stage of the chain
 * sees the call close with that status.
 */
final class UnparsableRequests {

  private UnparsableRequests() {}

  /** {@code definition} with every method's request parsing guarded. */
  static ServerServiceDefinition guard(ServerServiceDefinition definition) {
    ServiceDescriptor original = definition.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> guarded = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
      guarded.add(guard(method));
    }
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    guarded.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    guarded.forEach(builder::addMethod);
    return builder.build();
  }

  private static <ReqT, RespT> ServerMethodDefinition<Object, RespT> guard(
      ServerMethodDefinition<ReqT, RespT> method) {
    MethodDescriptor<ReqT, RespT> descriptor = method.getMethodDescriptor();
    MethodDescriptor<Object, RespT> guardedDescriptor =
        descriptor.toBuilder(
                new GuardedMarshaller<>(descriptor.getRequestMarshaller()),
                descriptor.getResponseMarshaller())
            .build();
    ServerCallHandler<ReqT, RespT> handler = method.getServerCallHandler();
    String refusal = "request is not a valid message for " + descriptor.getFullMethodName();
    return ServerMethodDefinition.create(
        guardedDescriptor,
        (call, headers) -> {
          ServerCall.Listener<ReqT> listener = handler.startCall(narrow(call), headers);
          return new RejectingListener<>(listener, call, refusal);
        });
  }

  /** The call as the service's own type; only requests that parsed reach the service. */
  @SuppressWarnings("unchecked")
  private static <ReqT, RespT> ServerCall<ReqT, RespT> narrow(ServerCall<Object, RespT> call) {
    return (ServerCall<ReqT, RespT>) (ServerCall<?, RespT>) call;
  }

  /** What the marshaller hands on when a request does not parse. */
  private enum Unparsable {
    MESSAGE
  }

  private static final class GuardedMarshaller<ReqT>
      implements MethodDescriptor.Marshaller<Object> {
    private final MethodDescriptor.Marshaller<ReqT> delegate;

    GuardedMarshaller(MethodDescriptor.Marshaller<ReqT> delegate) {
      this.delegate = delegate;
    }

    @Override
    @SuppressWarnings("unchecked")
    public InputStream stream(Object value) {
      return delegate.stream((ReqT) value);
    }

    @Override
    public Object parse(InputStream stream) {
      try {
        return delegate.parse(stream);
      } catch (RuntimeException e) {
        return Unparsable.MESSAGE;
      }
    }
  }

  private static final class RejectingListener<ReqT, RespT>
      extends ForwardingServerCallListener<Object> {
    private final ServerCall.Listener<ReqT> delegate;
    private final ServerCall<Object, RespT> call;
    private final String refusal;
    private boolean rejected;

    RejectingListener(
        ServerCall.Listener<ReqT> delegate, ServerCall<Object, RespT> call, String refusal) {
      this.delegate = delegate;
      this.call = call;
      this.refusal = refusal;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected ServerCall.Listener<Object> delegate() {
      return (ServerCall.Listener<Object>) (ServerCall.Listener<?>) delegate;
    }

    @Override
    public void onMessage(Object message) {
      if (rejected) {
        return;
      }
      if (message == Unparsable.MESSAGE) {
        rejected = true;
        call.close(Status.INVALID_ARGUMENT.withDescription(refusal), new Metadata());
        return;
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!rejected) {
        super.onHalfClose();
      }
    }
  }
}
