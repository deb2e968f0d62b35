package dev.datapunk.mesh.runtime;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Chooses the executor of each call once grpc-java has found its method: the worker pool for the
 * mesh services, the server's default executor (the infrastructure pool) for everything else,
 * which is health and reflection.
 *
 * <p>grpc-java runs the method lookup of every call on the server's default executor and then
 * asks this supplier; the call's later work (the call chain, the service method) runs on the
 * executor returned here. So a queue of service calls waiting for a worker thread never delays a
 * health check: health is answered on its own small pool.
 */
final class CallExecutors implements ServerCallExecutorSupplier {

  private final Set<String> meshServices;
  private final Executor workers;

  /** Calls of {@code meshServices} (service names) run on {@code workers}. */
  CallExecutors(Set<String> meshServices, Executor workers) {
    this.meshServices = Set.copyOf(meshServices);
    this.workers = workers;
  }

  @Override
  public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
    String service = call.getMethodDescriptor().getServiceName();
    // null: stay on the default executor (the infrastructure pool).
    return service != null && meshServices.contains(service) ? workers : null;
  }
}
