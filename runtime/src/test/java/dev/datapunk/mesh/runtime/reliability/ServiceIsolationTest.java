package dev.datapunk.mesh.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two mesh services on one real server (plaintext, 4 worker threads): the failures of one service's
 * code reach the other's calls exactly as far as the shared worker pool's capacity, as
 * docs/reliability.md ("The executor model") promises. An exception ends only its own call, with a
 * short UNKNOWN; threads blocked in one service leave the rest of the pool to the other; once every
 * worker is blocked the other service's calls wait in the queue (health still answers) and are
 * served when the threads come back.
 */
class ServiceIsolationTest {

  private static final int WORKERS = 4;
  private static final SimpleRequest REQUEST =
      SimpleRequest.newBuilder().setRequestMessage("x").build();

  private static final MethodDescriptor<SimpleRequest, SimpleResponse> THROW =
      unary("iso.Faulty", "Throw");
  private static final MethodDescriptor<SimpleRequest, SimpleResponse> BLOCK =
      unary("iso.Faulty", "Block");
  private static final MethodDescriptor<SimpleRequest, SimpleResponse> ECHO =
      unary("iso.Healthy", "Echo");

  @TempDir Path dir;

  private final CountDownLatch unblock = new CountDownLatch(1);
  private final AtomicInteger blocked = new AtomicInteger();
  private MeshServer server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    unblock.countDown();
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Timeout(60)
  void oneServicesFailuresReachAnotherOnlyThroughThePoolsCapacity() throws Exception {
    server =
        MeshApplication.start(
            new String[] {
              "--server.host=127.0.0.1",
              "--server.port=0",
              "--tls.mode=plaintext",
              "--reflection.enabled=false",
              "--metrics.port=0",
              "--server.worker-threads=" + WORKERS
            },
            List.of(faulty(), healthy()),
            Map.of(),
            dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();

    // An exception: its own call ends UNKNOWN with a short message; the other service is
    // unaffected.
    for (int i = 0; i < 50; i++) {
      StatusRuntimeException thrown = call(THROW);
      assertThat(thrown.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
      assertThat(thrown.getStatus().getDescription()).isEqualTo("application error");
      assertThat(call(ECHO)).isNull();
    }

    // Three of the four workers blocked in Faulty: Healthy is served by the fourth.
    List<Future<SimpleResponse>> blockers = new ArrayList<>();
    for (int i = 0; i < WORKERS - 1; i++) {
      blockers.add(start(BLOCK));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> blocked.get() == WORKERS - 1);
    for (int i = 0; i < 50; i++) {
      assertThat(call(ECHO)).as("served beside three blocked workers").isNull();
    }

    // Every worker blocked: Healthy's calls wait in the queue (not refused, not failed), health
    // still answers SERVING, and the queued calls complete once the workers are free.
    blockers.add(start(BLOCK));
    await().atMost(Duration.ofSeconds(20)).until(() -> blocked.get() == WORKERS);
    List<Future<SimpleResponse>> queued = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      queued.add(start(ECHO));
    }
    Thread.sleep(300);
    assertThat(queued).as("no worker free: queued, not answered").noneMatch(Future::isDone);
    assertThat(
            io.grpc.health.v1.HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);

    unblock.countDown();
    for (Future<SimpleResponse> call : queued) {
      assertThat(call.get(20, TimeUnit.SECONDS).getResponseMessage()).isEqualTo("x");
    }
    for (Future<SimpleResponse> call : blockers) {
      assertThat(call.get(20, TimeUnit.SECONDS).getResponseMessage()).isEqualTo("x");
    }
  }

  /** Calls {@code method}; null when it succeeded, else the failure. */
  private StatusRuntimeException call(MethodDescriptor<SimpleRequest, SimpleResponse> method) {
    try {
      ClientCalls.blockingUnaryCall(
          channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), REQUEST);
      return null;
    } catch (StatusRuntimeException e) {
      return e;
    }
  }

  private Future<SimpleResponse> start(MethodDescriptor<SimpleRequest, SimpleResponse> method) {
    return ClientCalls.futureUnaryCall(
        channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(40, TimeUnit.SECONDS)),
        REQUEST);
  }

  private MeshBinding faulty() {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("iso.Faulty")
            .addMethod(
                THROW,
                ServerCalls.asyncUnaryCall(
                    (request, responses) -> {
                      throw new IllegalStateException(
                          "boom from service code at " + getClass().getName());
                    }))
            .addMethod(
                BLOCK,
                ServerCalls.asyncUnaryCall(
                    (request, responses) -> {
                      blocked.incrementAndGet();
                      try {
                        unblock.await(30, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      responses.onNext(echo(request));
                      responses.onCompleted();
                    }))
            .build();
    return binding(service, THROW, BLOCK);
  }

  private static MeshBinding healthy() {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("iso.Healthy")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, responses) -> {
                      responses.onNext(echo(request));
                      responses.onCompleted();
                    }))
            .build();
    return binding(service, ECHO);
  }

  @SafeVarargs
  private static MeshBinding binding(
      ServerServiceDefinition service, MethodDescriptor<SimpleRequest, SimpleResponse>... methods) {
    List<MethodPolicy> policies = new ArrayList<>();
    for (MethodDescriptor<SimpleRequest, SimpleResponse> method : methods) {
      policies.add(MethodPolicy.builder(method).build());
    }
    return MeshBinding.of(service, policies);
  }

  private static SimpleResponse echo(SimpleRequest request) {
    return SimpleResponse.newBuilder().setResponseMessage(request.getRequestMessage()).build();
  }

  private static MethodDescriptor<SimpleRequest, SimpleResponse> unary(
      String service, String method) {
    return MethodDescriptor.<SimpleRequest, SimpleResponse>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
        .setRequestMarshaller(ProtoUtils.marshaller(SimpleRequest.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(SimpleResponse.getDefaultInstance()))
        .build();
  }
}
