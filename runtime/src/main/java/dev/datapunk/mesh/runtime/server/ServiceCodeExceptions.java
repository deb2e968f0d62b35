package dev.datapunk.mesh.runtime.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

/**
 * Turns an exception thrown by service code into a close of the call right above the service, with
 * {@code UNKNOWN} and the exception as cause (what {@code onError} would have done), so that the
 * user stages above see the call end like any other; the metrics stage, outermost, then maps the
 * exception to its status. Once service code has thrown, the rest of what the client sends is not
 * delivered to it.
 *
 * <p>Only used when a module has user stages: without them the metrics stage catches what service
 * code throws, and this costs nothing.
 */
final class ServiceCodeExceptions {

  private ServiceCodeExceptions() {}

  /** {@code definition} with every method's service code guarded. */
  static ServerServiceDefinition guard(ServerServiceDefinition definition) {
    ServerServiceDefinition.Builder guarded =
        ServerServiceDefinition.builder(definition.getServiceDescriptor());
    for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
      guarded.addMethod(guard(method));
    }
    return guarded.build();
  }

  private static <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> guard(
      ServerMethodDefinition<ReqT, RespT> method) {
    ServerCallHandler<ReqT, RespT> service = method.getServerCallHandler();
    return method.withServerCallHandler(
        (call, headers) -> {
          GuardedListener<ReqT> guarded = new GuardedListener<>(call);
          try {
            guarded.service = service.startCall(call, headers);
          } catch (RuntimeException e) {
            guarded.failed(e); // a streaming method's service code runs on start
          }
          return guarded;
        });
  }

  /** The service's listener, or none when its service code threw on start. */
  private static final class GuardedListener<ReqT> extends ForwardingServerCallListener<ReqT> {
    private final ServerCall<ReqT, ?> call;
    private ServerCall.Listener<ReqT> service = new ServerCall.Listener<>() {};
    private boolean failed;

    GuardedListener(ServerCall<ReqT, ?> call) {
      this.call = call;
    }

    @Override
    protected ServerCall.Listener<ReqT> delegate() {
      return service;
    }

    @Override
    public void onMessage(ReqT message) {
      if (!failed) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          failed(e);
        }
      }
    }

    @Override
    public void onHalfClose() {
      if (!failed) {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          failed(e);
        }
      }
    }

    @Override
    public void onReady() {
      if (!failed) {
        try {
          super.onReady();
        } catch (RuntimeException e) {
          failed(e);
        }
      }
    }

    /**
     * Closes the call for {@code e}; when service code had closed it already, {@code e} goes on up.
     */
    void failed(RuntimeException e) {
      failed = true;
      try {
        call.close(Status.UNKNOWN.withCause(e), new Metadata());
      } catch (IllegalStateException alreadyClosed) {
        throw e;
      }
    }
  }
}
