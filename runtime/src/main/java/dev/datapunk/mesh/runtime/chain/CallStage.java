package dev.datapunk.mesh.runtime.chain;

import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerInterceptor;

/**
 * One stage of the per-call chain (metrics, authentication, authorization, rate limit).
 *
 * <p>Asked once per RPC method when services are bound, never per call: the stage answers with
 * the interceptor that method needs, already holding everything it uses on the call path (its
 * meters, its limiter, its required scopes), or with {@code null} when the method's policy does
 * not need the stage at all, so the method pays nothing for it.
 */
public interface CallStage {

  /** The stage's interceptor for {@code policy}'s method, or {@code null} when it has none. */
  ServerInterceptor interceptorFor(MethodPolicy policy);
}
