package dev.datapunk.mesh.runtime.chain;

import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps every method of a mesh service with the interceptors its policy needs.
 *
 * <p>Stages run in the order given, the first outermost. {@link #of} takes them in the order the
 * mesh uses: metrics (so rejected calls are counted with their real status), identity allow list,
 * authentication, authorization, rate limit (so unauthenticated floods cannot drain a real client's
 * bucket and the limiter keys on a verified identity), adaptive concurrency limit (so only calls
 * that will really run hold one of its slots), then the service.
 */
public final class CallChain {

  private final List<CallStage> stages;

  private CallChain(List<CallStage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** A chain of {@code stages}, the first one outermost. */
  public static CallChain of(CallStage... stages) {
    return new CallChain(List.of(stages));
  }

  /**
   * {@code definition} with each method wrapped by the interceptors of its policy in {@code
   * policies}.
   *
   * @param policies one policy for every method of {@code definition}, matched by full method name
   * @throws IllegalStateException when the policies do not name exactly the service's methods (a
   *     binding generated against another version of the stubs)
   */
  public ServerServiceDefinition wrap(
      ServerServiceDefinition definition, List<MethodPolicy> policies) {
    String serviceName = definition.getServiceDescriptor().getName();
    Map<String, MethodPolicy> byMethod = new HashMap<>();
    for (MethodPolicy policy : policies) {
      if (byMethod.put(policy.fullMethodName(), policy) != null) {
        throw new IllegalStateException("two policies for " + policy.fullMethodName());
      }
    }
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>(definition.getMethods());
    List<MethodPolicy> matched = new ArrayList<>(methods.size());
    for (ServerMethodDefinition<?, ?> method : methods) {
      String name = method.getMethodDescriptor().getFullMethodName();
      MethodPolicy policy = byMethod.remove(name);
      if (policy == null) {
        throw new IllegalStateException(
            "no mesh policy for "
                + name
                + " of "
                + serviceName
                + ": recompile the service so its binding matches the gRPC stubs");
      }
      matched.add(policy);
    }
    if (!byMethod.isEmpty()) {
      throw new IllegalStateException(
          "mesh policies for methods "
              + byMethod.keySet()
              + " that "
              + serviceName
              + " does not have: recompile the service so its binding matches the gRPC stubs");
    }
    // Stages are asked only once every method is known to have a policy: nothing is half-created.
    ServerServiceDefinition.Builder wrapped =
        ServerServiceDefinition.builder(definition.getServiceDescriptor());
    for (int i = 0; i < methods.size(); i++) {
      wrapped.addMethod(wrap(methods.get(i), matched.get(i)));
    }
    return wrapped.build();
  }

  /** The interceptors {@code policy}'s method runs through, outermost first. */
  public List<ServerInterceptor> interceptorsFor(MethodPolicy policy) {
    List<ServerInterceptor> interceptors = new ArrayList<>(stages.size());
    for (CallStage stage : stages) {
      ServerInterceptor interceptor = stage.interceptorFor(policy);
      if (interceptor != null) {
        interceptors.add(interceptor);
      }
    }
    return interceptors;
  }

  private <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> wrap(
      ServerMethodDefinition<ReqT, RespT> method, MethodPolicy policy) {
    List<ServerInterceptor> interceptors = interceptorsFor(policy);
    ServerCallHandler<ReqT, RespT> handler = method.getServerCallHandler();
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      handler = new InterceptedCallHandler<>(interceptors.get(i), handler);
    }
    return method.withServerCallHandler(handler);
  }
}
