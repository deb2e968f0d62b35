package dev.datapunk.mesh.runtime.limits;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import java.util.List;

/**
 * A mesh service {@code mesh.test.Work} of four unary methods that each sleep {@value #WORK_MILLIS}
 * ms: {@code Slow} and {@code Other} (open), {@code Critical} (open, to be given a reserved share)
 * and {@code Ping} ({@code @Public}); and {@code Hold} (open), which waits for {@link #release}.
 */
final class WorkService {

  static final String SERVICE = "mesh.test.Work";
  static final long WORK_MILLIS = 10;

  static final MethodDescriptor<SimpleRequest, SimpleResponse> SLOW = unary("Slow");
  static final MethodDescriptor<SimpleRequest, SimpleResponse> OTHER = unary("Other");
  static final MethodDescriptor<SimpleRequest, SimpleResponse> CRITICAL = unary("Critical");
  static final MethodDescriptor<SimpleRequest, SimpleResponse> PING = unary("Ping");
  /** Holds its worker thread until {@link #release} is opened, then answers. */
  static final MethodDescriptor<SimpleRequest, SimpleResponse> HOLD = unary("Hold");

  /** {@code Hold} calls in service code now, and the most there were at once since {@link #resetHolding}. */
  static final java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger();
  static final java.util.concurrent.atomic.AtomicInteger mostHolding = new java.util.concurrent.atomic.AtomicInteger();

  static void resetHolding() {
    mostHolding.set(holding.get());
  }

  /** What {@code Hold} calls wait for; a test replaces it before use. */
  static volatile java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(0);

  private WorkService() {}

  private static MethodDescriptor<SimpleRequest, SimpleResponse> unary(String name) {
    return MethodDescriptor.<SimpleRequest, SimpleResponse>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(ProtoUtils.marshaller(SimpleRequest.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(SimpleResponse.getDefaultInstance()))
        .build();
  }

  static MeshBinding binding() {
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SERVICE);
    for (MethodDescriptor<SimpleRequest, SimpleResponse> method : List.of(SLOW, OTHER, CRITICAL, PING, HOLD)) {
      service.addMethod(method, ServerCalls.asyncUnaryCall((request, responses) -> {
        if (method == HOLD) {
          mostHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
          try {
            await(release);
          } finally {
            holding.decrementAndGet();
          }
        } else {
          sleep(WORK_MILLIS);
        }
        responses.onNext(SimpleResponse.newBuilder().setResponseMessage(request.getRequestMessage()).build());
        responses.onCompleted();
      }));
    }
    return MeshBinding.of(service.build(), List.of(
        MethodPolicy.builder(SLOW).build(),
        MethodPolicy.builder(OTHER).build(),
        MethodPolicy.builder(CRITICAL).build(),
        MethodPolicy.builder(PING).publicAccess().build(),
        MethodPolicy.builder(HOLD).build()));
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    try {
      if (!latch.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("Hold was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
