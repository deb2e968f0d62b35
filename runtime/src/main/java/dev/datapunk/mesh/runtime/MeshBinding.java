package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Objects;

/**
 * One mesh service ready to be served: its plain grpc-java definition and the policy of each of its
 * RPC methods.
 *
 * <p>Implemented by the generated {@code <Service>_MeshBinding} classes; the server wraps each
 * method of {@link #bindService()} with exactly the interceptors its policy needs. {@link #of}
 * makes one from parts, for services whose policies are not generated (tests, tools).
 */
public interface MeshBinding {

  /** The service's own definition, as {@code bindService()} of its {@code ImplBase} returns it. */
  ServerServiceDefinition bindService();

  /** One policy for every RPC method of the service, in the order of the service descriptor. */
  List<MethodPolicy> policies();

  /**
   * A binding of {@code definition} with {@code policies} and no exception handlers of its own;
   * {@link #bindService()} returns {@code definition} itself every time. Whether the policies match
   * the definition's methods is checked when the server wraps the service, as for a generated
   * binding.
   */
  static MeshBinding of(ServerServiceDefinition definition, List<MethodPolicy> policies) {
    Objects.requireNonNull(definition, "definition");
    List<MethodPolicy> copy = List.copyOf(policies);
    return new MeshBinding() {
      @Override
      public ServerServiceDefinition bindService() {
        return definition;
      }

      @Override
      public List<MethodPolicy> policies() {
        return copy;
      }

      @Override
      public String toString() {
        return "MeshBinding[" + definition.getServiceDescriptor().getName() + "]";
      }
    };
  }

  /**
   * The service's own exception handlers (its {@code @MeshExceptionHandler} methods), most specific
   * type first; they win over global handlers of the same type. None by default.
   */
  default ExceptionHandlers exceptionHandlers() {
    return ExceptionHandlers.none();
  }
}
