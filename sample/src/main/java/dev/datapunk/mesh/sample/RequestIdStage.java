package dev.datapunk.mesh.sample;

import dev.datapunk.mesh.annotations.MeshStage;
import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every call a request id for correlating logs across services: the caller's {@code
 * x-request-id} when it is a short token, else a new UUID. Service code reads it with {@link
 * #current()}; the response carries it back in {@code x-request-id} (in the headers, or in the
 * trailers of a call that ends without any). It is a correlation id, nothing is decided on it.
 */
@MeshStage
public final class RequestIdStage implements CallStage {

  /** The header carrying the id, both ways. */
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private static final Context.Key<String> CURRENT = Context.key("x-request-id");
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final ServerInterceptor interceptor =
      new ServerInterceptor() {
        @Override
        public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
          String sent = headers.get(HEADER);
          String id =
              sent != null && ACCEPTED.matcher(sent).matches()
                  ? sent
                  : UUID.randomUUID().toString();
          return Contexts.interceptCall(
              Context.current().withValue(CURRENT, id), new Tagged<>(call, id), headers, next);
        }
      };

  /** The request id of the call being served on this thread; {@code null} outside a call. */
  public static String current() {
    return CURRENT.get();
  }

  /** Every method gets the same interceptor: it holds nothing per method. */
  @Override
  public ServerInterceptor interceptorFor(MethodPolicy policy) {
    return interceptor;
  }

  /** The call, answering with the id. */
  private static final class Tagged<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
    private final String id;
    private boolean headersSent;

    Tagged(ServerCall<ReqT, RespT> call, String id) {
      super(call);
      this.id = id;
    }

    @Override
    public void sendHeaders(Metadata headers) {
      headers.put(HEADER, id);
      headersSent = true;
      super.sendHeaders(headers);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!headersSent) {
        trailers.put(HEADER, id);
      }
      super.close(status, trailers);
    }
  }
}
