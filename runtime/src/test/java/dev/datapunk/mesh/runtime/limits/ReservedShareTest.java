package dev.datapunk.mesh.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One shared adaptive limit held at 10 (initial = max, and it does not shrink at no-load latency)
 * filled by calls to {@code Hold}, which wait until the test releases them: the methods that share
 * the flood's partition are refused, methods with a guaranteed share still get in, whichever side
 * the flood comes from.
 */
class ReservedShareTest {

  private static final SimpleRequest REQUEST =
      SimpleRequest.newBuilder().setRequestMessage("x").build();

  @TempDir Path dir;

  @Test
  @Timeout(60)
  void reservedAndPublicMethodsKeepTheirShareWhileAnotherMethodFillsTheLimit() throws Exception {
    try (LimitedServer server =
        LimitedServer.start(
            dir,
            "--server.worker-threads=24",
            "--limits.adaptive.enabled=true",
            "--limits.adaptive.initial-limit=10",
            "--limits.adaptive.max-limit=10",
            "--limits.adaptive.reserved." + WorkService.CRITICAL.getFullMethodName() + "=20")) {
      List<ListenableFuture<SimpleResponse>> flood = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        flood.add(call(server, WorkService.HOLD));
      }
      String limiter = "limiter=\"server\"";
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  server.sample(
                          "mesh_limits_adaptive_rejections_total",
                          limiter + ",method=\"" + WorkService.HOLD.getFullMethodName() + "\"")
                      == 20.0);
      assertThat(server.sample("mesh_limits_adaptive_inflight", limiter)).isEqualTo(10.0);
      assertThat(server.sample("mesh_limits_adaptive_limit", limiter)).isEqualTo(10.0);

      assertThat(refusal(call(server, WorkService.OTHER)))
          .as("a method without a reserve")
          .isNotNull();
      assertThat(refusal(call(server, WorkService.CRITICAL))).as("reserved method").isNull();
      assertThat(refusal(call(server, WorkService.PING))).as("@Public method").isNull();
      assertThat(refusal(call(server, WorkService.OTHER)))
          .as("still no room for the unreserved")
          .isNotNull();

      server.work().release();
      for (ListenableFuture<SimpleResponse> held : flood) {
        try {
          held.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException refused) {
          assertThat(Status.fromThrowable(refused.getCause()).getCode())
              .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        }
      }
      // A slot comes back just after its client has seen the answer.
      await().atMost(Duration.ofSeconds(20)).until(() -> server.limiterInFlight() == 0);
      assertThat(refusal(call(server, WorkService.OTHER)))
          .as("room again once the flood is over")
          .isNull();
      assertThat(
              server.sample(
                  "mesh_limits_adaptive_rejections_total",
                  limiter + ",method=\"" + WorkService.OTHER.getFullMethodName() + "\""))
          .isEqualTo(2.0);
    }
  }

  @Test
  @Timeout(60)
  void anOverloadedReservedMethodCannotStarveTheOthers() throws Exception {
    // Hold itself is the reserved method here (30% = 3 calls); the other methods share the
    // remaining 60% (6 calls) as their guarantee.
    try (LimitedServer server =
        LimitedServer.start(
            dir,
            "--server.worker-threads=24",
            "--limits.adaptive.enabled=true",
            "--limits.adaptive.initial-limit=10",
            "--limits.adaptive.max-limit=10",
            "--limits.adaptive.reserved." + WorkService.HOLD.getFullMethodName() + "=30")) {
      List<ListenableFuture<SimpleResponse>> held = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        held.add(call(server, WorkService.HOLD));
      }
      String limiter = "limiter=\"server\"";
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  server.sample(
                          "mesh_limits_adaptive_rejections_total",
                          limiter + ",method=\"" + WorkService.HOLD.getFullMethodName() + "\"")
                      == 10.0);
      // Hold filled the whole limit by borrowing beyond its 3 calls, and cannot take more ...
      assertThat(server.sample("mesh_limits_adaptive_inflight", limiter)).isEqualTo(10.0);
      assertThat(refusal(call(server, WorkService.HOLD))).isNotNull();
      // ... but the other methods still get in, on their own guaranteed share.
      assertThat(refusal(call(server, WorkService.OTHER))).isNull();
      assertThat(refusal(call(server, WorkService.SLOW))).isNull();
      server.work().release();
      for (ListenableFuture<SimpleResponse> call : held) {
        try {
          call.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException refused) {
          assertThat(Status.fromThrowable(refused.getCause()).getCode())
              .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        }
      }
    }
  }

  private static ListenableFuture<SimpleResponse> call(
      LimitedServer server, io.grpc.MethodDescriptor<SimpleRequest, SimpleResponse> method) {
    return ClientCalls.futureUnaryCall(
        server
            .channel()
            .newCall(method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
        REQUEST);
  }

  /** The call's refusal, or null when it succeeded. */
  private static StatusRuntimeException refusal(ListenableFuture<SimpleResponse> call)
      throws Exception {
    try {
      call.get(20, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      StatusRuntimeException failure = (StatusRuntimeException) e.getCause();
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      return failure;
    }
  }
}
