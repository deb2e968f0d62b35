package dev.datapunk.mesh.runtime.chain;

import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerInterceptor;

/**
 * One stage of the per-call chain: the mesh's own (metrics, authentication, authorization, rate
 * limit, ...) and the application's ({@code @MeshStage} classes, or stages added to a {@code
 * MeshModule}).
 *
 * <p>Asked once per RPC method when services are bound, never per call: the stage answers with the
 * interceptor that method needs, already holding everything it uses on the call path (its meters,
 * its limiter, its required scopes), or with {@code null} when the method's policy does not need
 * the stage at all, so the method pays nothing for it.
 *
 * <p>An application's stage runs below every mesh stage, just above the service: only calls every
 * mesh stage admitted reach it, with their request messages parsed and the verified caller in
 * {@code MeshPrincipal.current()}. It sees each call end through {@code ServerCall.close}; an
 * exception the service threw or passed to {@code onError} arrives there as {@code UNKNOWN} with
 * the exception as cause (the exception handlers map it above, in the metrics stage). An exception
 * the interceptor throws is mapped by the exception handlers like one from the service.
 */
public interface CallStage {

  /** The stage's interceptor for {@code policy}'s method, or {@code null} when it has none. */
  ServerInterceptor interceptorFor(MethodPolicy policy);
}
