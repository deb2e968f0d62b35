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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mesh service {@code mesh.test.Work} of four unary methods that each sleep {@value #WORK_MILLIS}
 * ms: {@code Slow} and {@code Other} (open), {@code Critical} (open, to be given a reserved share)
 * and {@code Ping} ({@code @Public}); and {@code Hold} (open), which waits in service code until
 * the test {@linkplain #release() releases} it. One instance per server: what it counts and what
 * {@code Hold} waits for belong to that server's test alone.
 */
final class WorkService {

  static final String SERVICE = "mesh.test.Work";
  static final long WORK_MILLIS = 10;

  static final MethodDescriptor<SimpleRequest, SimpleResponse> SLOW = unary("Slow");
  static final MethodDescriptor<SimpleRequest, SimpleResponse> OTHER = unary("Other");
  static final MethodDescriptor<SimpleRequest, SimpleResponse> CRITICAL = unary("Critical");
  static final MethodDescriptor<SimpleRequest, SimpleResponse> PING = unary("Ping");

  /** Holds its worker thread until {@link #release()}, then answers. */
  static final MethodDescriptor<SimpleRequest, SimpleResponse> HOLD = unary("Hold");

  private final AtomicInteger worked = new AtomicInteger();
  private final AtomicInteger holding = new AtomicInteger();
  private final AtomicInteger mostHolding = new AtomicInteger();

  /** What {@code Hold} calls wait for; closed until the test releases them. */
  private volatile CountDownLatch gate = new CountDownLatch(1);

  /** Calls of the sleeping methods whose service code ran (a refused call never gets there). */
  int worked() {
    return worked.get();
  }

  /** {@code Hold} calls in service code now. */
  int holding() {
    return holding.get();
  }

  /**
   * The most {@code Hold} calls in service code at once since the start or {@link
   * #resetMostHolding}.
   */
  int mostHolding() {
    return mostHolding.get();
  }

  /** Starts counting {@link #mostHolding} afresh from the calls held now. */
  void resetMostHolding() {
    mostHolding.set(holding.get());
  }

  /**
   * Lets every {@code Hold} call waiting now, and every later one, answer (until {@link
   * #holdAgain}).
   */
  void release() {
    gate.countDown();
  }

  /** Makes {@code Hold} calls from now on wait again for the next {@link #release()}. */
  void holdAgain() {
    gate = new CountDownLatch(1);
  }

  MeshBinding binding() {
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SERVICE);
    for (MethodDescriptor<SimpleRequest, SimpleResponse> method :
        List.of(SLOW, OTHER, CRITICAL, PING, HOLD)) {
      service.addMethod(
          method,
          ServerCalls.asyncUnaryCall(
              (request, responses) -> {
                if (method == HOLD) {
                  hold();
                } else {
                  worked.incrementAndGet();
                  sleep(WORK_MILLIS);
                }
                responses.onNext(
                    SimpleResponse.newBuilder()
                        .setResponseMessage(request.getRequestMessage())
                        .build());
                responses.onCompleted();
              }));
    }
    return MeshBinding.of(
        service.build(),
        List.of(
            MethodPolicy.builder(SLOW).build(),
            MethodPolicy.builder(OTHER).build(),
            MethodPolicy.builder(CRITICAL).build(),
            MethodPolicy.builder(PING).publicAccess().build(),
            MethodPolicy.builder(HOLD).build()));
  }

  private void hold() {
    CountDownLatch waitFor = gate;
    mostHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
    try {
      if (!waitFor.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Hold was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      holding.decrementAndGet();
    }
  }

  private static MethodDescriptor<SimpleRequest, SimpleResponse> unary(String name) {
    return MethodDescriptor.<SimpleRequest, SimpleResponse>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(ProtoUtils.marshaller(SimpleRequest.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(SimpleResponse.getDefaultInstance()))
        .build();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
