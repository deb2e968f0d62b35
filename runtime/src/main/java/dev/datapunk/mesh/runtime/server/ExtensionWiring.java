package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.chain.CallChain;
import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.errors.ExceptionMapper;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerServiceDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wires a {@link MeshModule}'s extensions into the server: exception handlers into the metrics
 * stage, user stages just above each service.
 */
final class ExtensionWiring {

  private ExtensionWiring() {}

  /**
   * By gRPC service name, the exception mapper of each binding's service with the global handlers.
   */
  static Map<String, ExceptionMapper> exceptionMappers(
      List<MeshBinding> bindings, ExceptionHandlers global) {
    Map<String, ExceptionMapper> mappers = new HashMap<>();
    for (MeshBinding binding : bindings) {
      ExceptionMapper mapper = ExceptionMapper.of(binding.exceptionHandlers(), global);
      for (MethodPolicy policy : binding.policies()) {
        mappers.put(policy.method().getServiceName(), mapper);
      }
    }
    return mappers;
  }

  /**
   * {@code definition} with every method wrapped by the user stages its policy in {@code policies}
   * needs, innermost, just above the service, and below them an exception thrown by service code
   * turned into a close of the call (see {@link ServiceCodeExceptions}); {@code definition} itself
   * when there are no user stages.
   */
  static ServerServiceDefinition withUserStages(
      ServerServiceDefinition definition, List<MethodPolicy> policies, List<CallStage> stages) {
    if (stages.isEmpty()) {
      return definition;
    }
    CallChain userStages = CallChain.of(stages.toArray(CallStage[]::new));
    return userStages.wrap(ServiceCodeExceptions.guard(definition), policies);
  }
}
