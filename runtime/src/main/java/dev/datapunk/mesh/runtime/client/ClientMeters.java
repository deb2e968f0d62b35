package dev.datapunk.mesh.runtime.client;

import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingClientInterceptor;

/**
 * The meters of one client, each tagged {@code client=<name>}:
 *
 * <ul>
 *   <li>Micrometer's gRPC client meters ({@link MetricCollectingClientInterceptor}), one set per
 *       method called: {@code grpc.client.requests.sent} and {@code grpc.client.responses.received}
 *       (counters) and {@code grpc.client.processing.duration} (timer, tagged with the call's final
 *       {@code statusCode}), with the tags {@code service}, {@code method} and {@code methodType}.
 *       A call is counted once, with the outcome its caller saw, however many attempts it took;
 *   <li>{@code mesh.client.retries} (counter; {@code client}, {@code method} (the full name),
 *       {@code reason} = {@code retry_info} or {@code unavailable}): attempts started again.
 * </ul>
 *
 * Tag values come from the configuration and from method descriptors, never from a call.
 */
final class ClientMeters {

  /** Counter of retried attempts. */
  static final String RETRIES = "mesh.client.retries";

  private final String client;
  private final MeterRegistry registry;

  ClientMeters(String client, MeterRegistry registry) {
    this.client = client;
    this.registry = registry;
  }

  /** Counts every call through it, per method, with its final status. */
  ClientInterceptor calls() {
    return new MetricCollectingClientInterceptor(
        registry, counter -> counter.tag("client", client), timer -> timer.tag("client", client));
  }

  /** Counts one retry of a call to {@code method}. */
  void retried(MethodDescriptor<?, ?> method, RetryRule.Reason reason) {
    Counter.builder(RETRIES)
        .description("Attempts of mesh client calls started again after a retryable failure")
        .tag("client", client)
        .tag("method", method.getFullMethodName())
        .tag("reason", reason.tag())
        .register(registry)
        .increment();
  }
}
