package dev.datapunk.mesh.sample.e2e;

import static dev.datapunk.mesh.sample.e2e.RunningServer.withToken;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import dev.datapunk.mesh.sample.MeshMain;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.Item;
import dev.datapunk.mesh.sample.inventory.v1.PutItemRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PutItem's own {@code @RateLimit(rps = 5, burst = 5)}, keyed on the mTLS identity, on a real server. */
class RateLimitTest {

  @Test
  void putItemAdmitsItsBurstThenRejectsWithRetryInfo(@TempDir Path dir) throws Exception {
    try (RunningServer server = RunningServer.start(dir, MeshMain.module())) {
      ManagedChannel channel = server.mtlsChannel();
      String token = server.token("dave", "inventory:write");
      PutItemRequest request = PutItemRequest.newBuilder()
          .setItem(Item.newBuilder().setSku("SKU-7000").setName("Scale")).build();
      int admitted = 0;
      StatusRuntimeException rejected = null;
      long started = System.nanoTime();
      for (int i = 0; i < 50 && rejected == null; i++) {
        try {
          withToken(InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS), token)
              .putItem(request);
          admitted++;
        } catch (StatusRuntimeException e) {
          rejected = e;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      // A full bucket of 5, plus what 5 rps refilled while the loop ran.
      assertThat(admitted).isBetween(5, 5 + (int) Math.ceil(5 * seconds));
      assertThat(rejected).isNotNull();
      assertThat(rejected.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(rejected.getStatus().getDescription())
          .isEqualTo("rate limit exceeded for datapunk.inventory.v1.InventoryService/PutItem: 5 rps, burst 5");
      RetryInfo retry = StatusProto.fromThrowable(rejected).getDetails(0).unpack(RetryInfo.class);
      assertThat(retry.getRetryDelay().getSeconds()).isZero();
      assertThat(retry.getRetryDelay().getNanos()).isBetween(1, 200_000_000);
    }
  }
}
