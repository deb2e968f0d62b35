package dev.datapunk.mesh.runtime.metrics;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one RPC method, created when the method is bound, with the names and tags of
 * Micrometer's gRPC server instrumentation so existing dashboards read them unchanged.
 *
 * <p>Tags come only from the method descriptor and the status code enum, so the number of meters is
 * bounded by methods x status codes whatever the callers do.
 */
final class MethodMetrics {

  static final String PROCESSING_DURATION = "grpc.server.processing.duration";
  static final String REQUESTS_RECEIVED = "grpc.server.requests.received";
  static final String RESPONSES_SENT = "grpc.server.responses.sent";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter requestsReceived;
  private final Counter responsesSent;
  private final AtomicReferenceArray<Timer> durationByStatus; // by Status.Code.value(), 0 to 16

  MethodMetrics(MeterRegistry registry, MethodDescriptor<?, ?> method) {
    this.registry = registry;
    this.tags =
        Tags.of(
            "service", String.valueOf(method.getServiceName()),
            "method", method.getBareMethodName(),
            "methodType", method.getType().name());
    this.requestsReceived =
        Counter.builder(REQUESTS_RECEIVED)
            .description("The total number of requests received")
            .baseUnit("messages")
            .tags(tags)
            .register(registry);
    this.responsesSent =
        Counter.builder(RESPONSES_SENT)
            .description("The total number of responses sent")
            .baseUnit("messages")
            .tags(tags)
            .register(registry);
    this.durationByStatus = new AtomicReferenceArray<>(Status.Code.values().length);
    // OK is by far the most common outcome: register it up front so dashboards see the method at
    // once.
    durationFor(Status.Code.OK);
  }

  void messageReceived() {
    requestsReceived.increment();
  }

  void messageSent() {
    responsesSent.increment();
  }

  void callEnded(Status.Code code, long nanos) {
    durationFor(code).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer durationFor(Status.Code code) {
    Timer timer = durationByStatus.get(code.value());
    if (timer == null) {
      timer =
          Timer.builder(PROCESSING_DURATION)
              .description("The total time taken for the server to complete the call")
              .tags(tags)
              .tag("statusCode", code.name())
              .register(registry);
      durationByStatus.set(code.value(), timer);
    }
    return timer;
  }
}
