package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * A service that is not a mesh service (health, reflection) seen as a binding whose methods are
 * all open: no token, no limit. Only the identity allow list applies to it.
 */
record OpenBinding(ServerServiceDefinition bindService, List<MethodPolicy> policies) implements MeshBinding {

  static OpenBinding of(ServerServiceDefinition definition) {
    List<MethodPolicy> policies = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
      policies.add(MethodPolicy.builder(method.getMethodDescriptor()).build());
    }
    return new OpenBinding(definition, List.copyOf(policies));
  }
}
