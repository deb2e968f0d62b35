package dev.datapunk.mesh.sample.e2e;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A generated binding whose service records what each call brought once it got past the mesh's
 * stages (so rejected calls are not recorded): the deadline left, the verified caller and whether
 * an {@code authorization} header arrived at all.
 */
final class RecordingBinding implements MeshBinding {

  /**
   * What one call brought to the service.
   *
   * @param deadline the time left until the call's deadline when it arrived, if it had one
   * @param subject the verified token's subject, if any
   * @param peer the verified mTLS identity of the caller, if any
   * @param authorization whether an {@code authorization} header arrived
   */
  record Seen(
      String method,
      Optional<Duration> deadline,
      Optional<String> subject,
      Optional<String> peer,
      boolean authorization) {}

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final MeshBinding binding;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  RecordingBinding(MeshBinding binding) {
    this.binding = binding;
  }

  @Override
  public ServerServiceDefinition bindService() {
    return ServerInterceptors.intercept(
        binding.bindService(),
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            Deadline deadline = Context.current().getDeadline();
            Optional<MeshPrincipal> caller = MeshPrincipal.current();
            seen.add(
                new Seen(
                    call.getMethodDescriptor().getBareMethodName(),
                    Optional.ofNullable(deadline)
                        .map(d -> Duration.ofNanos(d.timeRemaining(TimeUnit.NANOSECONDS))),
                    caller.flatMap(MeshPrincipal::subject),
                    caller.flatMap(MeshPrincipal::transportIdentity),
                    headers.containsKey(AUTHORIZATION)));
            return next.startCall(call, headers);
          }
        });
  }

  @Override
  public List<MethodPolicy> policies() {
    return binding.policies();
  }

  /** The calls that reached the service, in order. */
  List<Seen> seen() {
    return List.copyOf(seen);
  }
}
