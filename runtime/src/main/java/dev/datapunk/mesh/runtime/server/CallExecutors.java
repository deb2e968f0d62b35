package dev.datapunk.mesh.runtime.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Chooses the executor of each call once grpc-java has found its method: the worker pool for the
 * mesh services, the infrastructure pool for everything else, which is health and reflection.
 *
 * <p>grpc-java runs the method lookup of every call on the server's default executor and then asks
 * this supplier; the call's later work (the call chain, the service method) runs on the executor
 * returned here. The default executor is the direct executor, so the lookup (a map lookup, or
 * UNIMPLEMENTED for an unknown method) runs on the Netty thread that read the headers and a call
 * changes threads once, as on a plain grpc-java server. A queue of service calls waiting for a
 * worker thread never delays a health check: health is answered on its own pool.
 */
final class CallExecutors implements ServerCallExecutorSupplier {

  private final Set<String> meshServices;
  private final Executor workers;
  private final Executor infrastructure;

  /**
   * Calls of {@code meshServices} (service names) run on {@code workers}, others on {@code
   * infrastructure}.
   */
  CallExecutors(Set<String> meshServices, Executor workers, Executor infrastructure) {
    this.meshServices = Set.copyOf(meshServices);
    this.workers = workers;
    this.infrastructure = infrastructure;
  }

  @Override
  public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
    String service = call.getMethodDescriptor().getServiceName();
    // Never null: that would leave the call on the default executor, the Netty thread.
    return service != null && meshServices.contains(service) ? workers : infrastructure;
  }
}
