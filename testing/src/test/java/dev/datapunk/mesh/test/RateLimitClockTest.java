package dev.datapunk.mesh.test;

import static dev.datapunk.mesh.test.probe.ProbeService.method;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import dev.datapunk.mesh.test.probe.MeshMain;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc.ProbeServiceBlockingStub;
import dev.datapunk.mesh.test.probe.v1.WriteRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Write's {@code @RateLimit(rps = 5, burst = 5)} on the kit's clock: refills are exact, nothing
 * depends on real time.
 */
class RateLimitClockTest {

  private static final WriteRequest WRITE =
      WriteRequest.newBuilder().setKey("k").setValue("v").build();

  @RegisterExtension final MeshTestExtension mesh = MeshTestExtension.of(MeshMain.module());

  private ProbeServiceBlockingStub writer;

  @BeforeEach
  void writer() {
    writer =
        mesh.withToken(mesh.token("writer", "probe:write")).stub(ProbeServiceGrpc::newBlockingStub);
  }

  @Test
  void aFullBucketAdmitsItsBurstThenRejectsWithTheExactWait() throws Exception {
    assertThat(admitted(10)).isEqualTo(5);
    StatusRuntimeException rejected = rejection();
    assertThat(rejected.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(rejected.getStatus().getDescription())
        .isEqualTo("rate limit exceeded for meshtest.probe.v1.ProbeService/Write: 5 rps, burst 5");
    assertThat(retryDelay(rejected)).isEqualTo(Duration.ofMillis(200));
    assertThat(mesh.calls(method("Write"), Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(2);
    assertThat(mesh.calls(method("Write"), Status.Code.OK)).isEqualTo(5);
  }

  @Test
  void advancingTheClockRefillsExactlyOneTokenPerInterval() throws Exception {
    assertThat(admitted(5)).isEqualTo(5);

    mesh.clock().advance(Duration.ofMillis(199));
    assertThat(retryDelay(rejection())).isEqualTo(Duration.ofMillis(1));

    mesh.clock().advance(Duration.ofMillis(1));
    assertThat(admitted(10)).isEqualTo(1);

    mesh.clock().advance(Duration.ofMillis(600));
    assertThat(admitted(10)).isEqualTo(3);

    // Ten seconds refill far more than the burst: the bucket holds five, no more.
    mesh.clock().advance(Duration.ofSeconds(10));
    assertThat(admitted(10)).isEqualTo(5);
  }

  @Test
  void anOverrideFromTheCommandLineReplacesTheAnnotatedLimit() throws Exception {
    try (MeshTestServer slow =
        MeshTestServer.builder(MeshMain.module())
            .args(
                "--ratelimit.override.meshtest.probe.v1.ProbeService/Write.rps=1",
                "--ratelimit.override.meshtest.probe.v1.ProbeService/Write.burst=2")
            .start()) {
      ProbeServiceBlockingStub stub =
          slow.withToken(slow.token("writer", "probe:write"))
              .stub(ProbeServiceGrpc::newBlockingStub);
      stub.write(WRITE);
      stub.write(WRITE);
      StatusRuntimeException rejected =
          catchThrowableOfType(StatusRuntimeException.class, () -> stub.write(WRITE));
      assertThat(rejected.getStatus().getDescription()).endsWith(": 1 rps, burst 2");
      assertThat(retryDelay(rejected)).isEqualTo(Duration.ofSeconds(1));
      slow.clock().advance(Duration.ofSeconds(1));
      stub.write(WRITE);
    }
  }

  /**
   * Calls Write up to {@code attempts} times in a row; how many were admitted before the first
   * rejection.
   */
  private int admitted(int attempts) {
    for (int i = 0; i < attempts; i++) {
      try {
        writer.write(WRITE);
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        return i;
      }
    }
    return attempts;
  }

  private StatusRuntimeException rejection() {
    return catchThrowableOfType(StatusRuntimeException.class, () -> writer.write(WRITE));
  }

  private static Duration retryDelay(StatusRuntimeException rejected)
      throws InvalidProtocolBufferException {
    com.google.protobuf.Duration delay =
        StatusProto.fromThrowable(rejected).getDetails(0).unpack(RetryInfo.class).getRetryDelay();
    return Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
  }
}
