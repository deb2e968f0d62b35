package dev.datapunk.mesh.sample.e2e;

import static dev.datapunk.mesh.sample.e2e.RunningServer.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.tls.ClientTls;
import dev.datapunk.mesh.sample.MeshMain;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc.InventoryServiceBlockingStub;
import dev.datapunk.mesh.sample.inventory.v1.Item;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import dev.datapunk.mesh.sample.inventory.v1.PutItemRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's generated bootstrap on a real server over mTLS on loopback: what only a real
 * transport shows (the certificate's identity, health and reflection over the wire, the inbound
 * message limit, a client without certificate, the start-up's configuration errors). The methods'
 * policies are tested in-process by {@code InventoryServiceTest}.
 */
class SampleServerTest {

  @TempDir static Path dir;

  static RunningServer server;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    server = RunningServer.start(dir, MeshMain.module());
    channel = server.mtlsChannel();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static InventoryServiceBlockingStub stub() {
    return InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void publicPingNeedsNoTokenAndSeesTheClientCertificateIdentity() {
    var reply = stub().ping(PingRequest.newBuilder().setMessage("hi").build());
    assertThat(reply.getMessage()).isEqualTo("hi");
    assertThat(reply.getCaller()).isEqualTo("spiffe://mesh.dev/client");
  }

  @Test
  void healthIsServingForTheServerAndEachService() {
    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    assertThat(health.check(HealthCheckRequest.newBuilder().build()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(
            health
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService("datapunk.inventory.v1.InventoryService")
                        .build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void reflectionListsTheInventoryService() throws Exception {
    CompletableFuture<ServerReflectionResponse> response = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    response.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    response.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    List<String> services =
        response.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName)
            .toList();
    requests.onCompleted();
    assertThat(services)
        .contains("datapunk.inventory.v1.InventoryService", "grpc.health.v1.Health");
  }

  @Test
  void aRequestOverTheInboundLimitIsResourceExhausted() throws Exception {
    String token = server.token("erin", "inventory:write");
    Item big =
        Item.newBuilder()
            .setSku("SKU-BIG")
            .setPayload(ByteString.copyFrom(new byte[5 * 1024 * 1024]))
            .build();
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                withToken(stub(), token).putItem(PutItemRequest.newBuilder().setItem(big).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void aClientWithoutCertificateNeverReachesAService() throws Exception {
    ManagedChannel noCert = server.channel(ClientTls.trusting(server.devDir().resolve("ca.pem")));
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                InventoryServiceGrpc.newBlockingStub(noCert)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .ping(PingRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aBadPortStopsTheStartNamingTheKey(@TempDir Path other) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                MeshApplication.start(
                        new String[] {"--server.port=abc"}, MeshMain.module(), Map.of(), other)
                    .close());
    assertThat(e.getMessage()).contains("server.port").contains("abc").contains("command line");
  }
}
