package dev.datapunk.mesh.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How call outcomes on a real server reach the limit: a deadline is a drop, and every slot comes
 * back.
 */
class AdaptiveLimitOutcomesTest {

  @TempDir Path dir;

  @Test
  @Timeout(60)
  void aCallPastItsDeadlineIsADropThatShrinksTheLimitAndReleasesItsSlot() throws Exception {
    try (LimitedServer server =
        LimitedServer.start(
            dir,
            "--limits.adaptive.enabled=true",
            "--limits.adaptive.initial-limit=10",
            "--limits.adaptive.max-limit=10")) {
      String limiter = "limiter=\"server\"";
      // The call is in service code before its deadline passes (a call still queued for a worker
      // when
      // its deadline passes never takes a slot, so the test waits for the service to hold it).
      ListenableFuture<SimpleResponse> held =
          ClientCalls.futureUnaryCall(
              server
                  .channel()
                  .newCall(
                      WorkService.HOLD, CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.SECONDS)),
              SimpleRequest.getDefaultInstance());
      await().atMost(Duration.ofSeconds(3)).until(() -> server.work().holding() == 1);
      assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StatusRuntimeException.class)
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e.getCause()).getCode())
                      .isEqualTo(Status.Code.DEADLINE_EXCEEDED));
      // The server's deadline cancels the call, but its service code still holds a worker thread,
      // so
      // the slot stays taken until that code returns (grpc-java delivers onCancel after it, on the
      // call's serialized executor) ...
      assertThat(server.work().holding()).isEqualTo(1);
      assertThat(server.sample("mesh_limits_adaptive_inflight", limiter)).isEqualTo(1.0);
      server.work().release();
      // ... and then counts as one drop: 10% off the limit, the slot released.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.sample("mesh_limits_adaptive_limit", limiter) == 9.0);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.sample("mesh_limits_adaptive_inflight", limiter) == 0.0);
      // A successful call is a sample and leaves nothing in flight.
      double limitBefore = server.sample("mesh_limits_adaptive_limit", limiter);
      ClientCalls.blockingUnaryCall(
          server.channel(),
          WorkService.SLOW,
          CallOptions.DEFAULT,
          SimpleRequest.getDefaultInstance());
      // (its slot comes back just after the client has seen the answer)
      await().atMost(Duration.ofSeconds(10)).until(() -> server.limiterInFlight() == 0);
      assertThat(server.sample("mesh_limits_adaptive_limit", limiter))
          .as("a success is no drop")
          .isGreaterThanOrEqualTo(limitBefore);
    }
  }
}
