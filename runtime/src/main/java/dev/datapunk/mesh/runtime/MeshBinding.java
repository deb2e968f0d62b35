package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerServiceDefinition;
import java.util.List;

/**
 * One mesh service ready to be served: its plain grpc-java definition and the policy of each of
 * its RPC methods.
 *
 * <p>Implemented by the generated {@code <Service>_MeshBinding} classes; {@link MeshServer} wraps
 * each method of {@link #bindService()} with exactly the interceptors its policy needs.
 */
public interface MeshBinding {

  /** The service's own definition, as {@code bindService()} of its {@code ImplBase} returns it. */
  ServerServiceDefinition bindService();

  /** One policy for every RPC method of the service, in the order of the service descriptor. */
  List<MethodPolicy> policies();

  /**
   * The service's own exception handlers (its {@code @MeshExceptionHandler} methods), most
   * specific type first; they win over global handlers of the same type. None by default.
   */
  default ExceptionHandlers exceptionHandlers() {
    return ExceptionHandlers.none();
  }
}
