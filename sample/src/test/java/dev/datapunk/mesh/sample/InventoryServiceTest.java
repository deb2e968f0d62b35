package dev.datapunk.mesh.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import dev.datapunk.mesh.sample.inventory.v1.GetItemRequest;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc.InventoryServiceBlockingStub;
import dev.datapunk.mesh.sample.inventory.v1.Item;
import dev.datapunk.mesh.sample.inventory.v1.ListItemsRequest;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import dev.datapunk.mesh.sample.inventory.v1.PutItemRequest;
import dev.datapunk.mesh.test.MeshTestExtension;
import dev.datapunk.mesh.test.MeshTestServer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * InventoryService's policies through the whole production chain, in-process, on the mesh test kit:
 * each test gets a server of its own over a fresh store, with the generated stages and handlers.
 */
class InventoryServiceTest {

  private static final String PUT_ITEM =
      InventoryServiceGrpc.getPutItemMethod().getFullMethodName();
  private static final String GET_ITEM =
      InventoryServiceGrpc.getGetItemMethod().getFullMethodName();
  private static final GetItemRequest ESPRESSO =
      GetItemRequest.newBuilder().setSku("SKU-0001").build();

  @RegisterExtension
  final MeshTestExtension mesh =
      MeshTestExtension.of(
          MeshMain.extensions()
              .binding(
                  new InventoryService_MeshBinding(
                      new InventoryService(InventoryStore.withDemoItems())))
              .build());

  private InventoryServiceBlockingStub as(String subject, String... scopes) {
    return mesh.withToken(mesh.token(subject, scopes)).stub(InventoryServiceGrpc::newBlockingStub);
  }

  private static PutItemRequest put(String sku) {
    return PutItemRequest.newBuilder()
        .setItem(Item.newBuilder().setSku(sku).setName("Tamper").setQuantity(3))
        .build();
  }

  @Test
  void pingIsPublicAndRepliesWithThePeerIdentity() {
    PingRequest hi = PingRequest.newBuilder().setMessage("hi").build();
    var reply = mesh.stub(InventoryServiceGrpc::newBlockingStub).ping(hi);
    assertThat(reply.getMessage()).isEqualTo("hi");
    assertThat(reply.getCaller()).isEqualTo(MeshTestServer.DEFAULT_PEER);
    assertThat(
            mesh.withPeer("spiffe://example.org/shop")
                .stub(InventoryServiceGrpc::newBlockingStub)
                .ping(hi)
                .getCaller())
        .isEqualTo("spiffe://example.org/shop");
    assertThat(
            mesh.withToken("not-a-token")
                .stub(InventoryServiceGrpc::newBlockingStub)
                .ping(hi)
                .getMessage())
        .as("a public method never reads the token")
        .isEqualTo("hi");
  }

  @Test
  void getItemNeedsATokenWithTheReadScope() {
    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> mesh.stub(InventoryServiceGrpc::newBlockingStub).getItem(ESPRESSO));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

    StatusRuntimeException denied =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> as("bob", "inventory:write").getItem(ESPRESSO));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.getStatus().getDescription()).isEqualTo("token lacks scope inventory:read");

    assertThat(as("alice", "inventory:read").getItem(ESPRESSO).getName())
        .isEqualTo("Espresso beans, 1 kg");
    assertThat(mesh.calls(GET_ITEM, Status.Code.UNAUTHENTICATED)).isEqualTo(1);
    assertThat(mesh.calls(GET_ITEM, Status.Code.PERMISSION_DENIED)).isEqualTo(1);
    assertThat(mesh.calls(GET_ITEM, Status.Code.OK)).isEqualTo(1);
  }

  @Test
  void putItemNeedsTheWriteScopeAloneSinceMethodScopesReplaceClassScopes() {
    StatusRuntimeException denied =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> as("carol", "inventory:read").putItem(put("SKU-9000")));
    assertThat(denied.getStatus().getDescription()).isEqualTo("token lacks scope inventory:write");
    assertThat(as("dave", "inventory:write").putItem(put("SKU-9000")).getName())
        .isEqualTo("Tamper");
    assertThat(
            as("alice", "inventory:read")
                .getItem(GetItemRequest.newBuilder().setSku("SKU-9000").build())
                .getQuantity())
        .isEqualTo(3);
  }

  @Test
  void putItemAdmitsFivePerSecondBurstFiveAndRefillsOnTheTestClock() throws Exception {
    InventoryServiceBlockingStub writer = as("dave", "inventory:write");
    for (int i = 0; i < 5; i++) {
      writer.putItem(put("SKU-700" + i));
    }
    StatusRuntimeException limited =
        catchThrowableOfType(StatusRuntimeException.class, () -> writer.putItem(put("SKU-7005")));
    assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(limited.getStatus().getDescription())
        .isEqualTo(
            "rate limit exceeded for datapunk.inventory.v1.InventoryService/PutItem: 5 rps, burst"
                + " 5");
    assertThat(retryDelay(limited)).isEqualTo(Duration.ofMillis(200));

    // Another client has a bucket of its own; the same client gets one token back per 200 ms.
    mesh.withPeer("spiffe://example.org/other")
        .withToken(mesh.token("erin", "inventory:write"))
        .stub(InventoryServiceGrpc::newBlockingStub)
        .putItem(put("SKU-7100"));
    mesh.clock().advance(Duration.ofMillis(200));
    writer.putItem(put("SKU-7005"));
    assertThat(
            catchThrowableOfType(
                    StatusRuntimeException.class, () -> writer.putItem(put("SKU-7006")))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(mesh.calls(PUT_ITEM, Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(2);
  }

  @Test
  void anUnknownSkuIsNotFoundByTheServicesOwnHandler() {
    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                as("alice", "inventory:read")
                    .getItem(GetItemRequest.newBuilder().setSku("SKU-0404").build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(missing.getStatus().getDescription()).isEqualTo("no item SKU-0404");
    assertThat(mesh.calls(GET_ITEM, Status.Code.NOT_FOUND)).isEqualTo(1);
  }

  @Test
  void anInvalidFieldIsInvalidArgumentWithABadRequestFromTheGlobalHandler() throws Exception {
    Item negative = Item.newBuilder().setSku("SKU-0005").setQuantity(-1).build();
    StatusRuntimeException invalid =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                as("dave", "inventory:write")
                    .putItem(PutItemRequest.newBuilder().setItem(negative).build()));
    assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    BadRequest.FieldViolation violation =
        StatusProto.fromThrowable(invalid)
            .getDetails(0)
            .unpack(BadRequest.class)
            .getFieldViolations(0);
    assertThat(violation.getField()).isEqualTo("item.quantity");
    assertThat(violation.getDescription()).isEqualTo("quantity must be >= 0");
  }

  @Test
  void listItemsStreamsInSkuOrderBehindTheClassPolicy() {
    List<String> skus = new ArrayList<>();
    as("alice", "inventory:read")
        .listItems(ListItemsRequest.newBuilder().setSkuPrefix("SKU-000").build())
        .forEachRemaining(item -> skus.add(item.getSku()));
    assertThat(skus).containsExactly("SKU-0001", "SKU-0002", "SKU-0003");

    StatusRuntimeException unauthenticated =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                mesh.stub(InventoryServiceGrpc::newBlockingStub)
                    .listItems(ListItemsRequest.getDefaultInstance())
                    .hasNext());
    assertThat(unauthenticated.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    StatusRuntimeException invalid =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                as("alice", "inventory:read")
                    .listItems(ListItemsRequest.newBuilder().setLimit(-1).build())
                    .hasNext());
    assertThat(invalid.getStatus().getDescription()).isEqualTo("limit must be >= 0");
  }

  @Test
  void theRequestIdStageGivesEveryCallAnIdEvenOneThatFails() {
    assertThat(requestIdOf(mesh.stub(InventoryServiceGrpc::newBlockingStub), "checkout-7f3a", null))
        .isEqualTo("checkout-7f3a");
    assertThat(requestIdOf(mesh.stub(InventoryServiceGrpc::newBlockingStub), null, null))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(requestIdOf(as("alice", "inventory:read"), "lookup-1", "SKU-0404"))
        .as("in the trailers of a call that ends without a response")
        .isEqualTo("lookup-1");
  }

  /** The {@code x-request-id} answered to a Ping, or to a GetItem of {@code sku} when set. */
  private static String requestIdOf(InventoryServiceBlockingStub stub, String sent, String sku) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    stub = stub.withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    if (sent != null) {
      Metadata id = new Metadata();
      id.put(RequestIdStage.HEADER, sent);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(id));
    }
    if (sku == null) {
      stub.ping(PingRequest.getDefaultInstance());
      return headers.get().get(RequestIdStage.HEADER);
    }
    InventoryServiceBlockingStub failing = stub;
    assertThatExceptionOfType(StatusRuntimeException.class)
        .isThrownBy(() -> failing.getItem(GetItemRequest.newBuilder().setSku(sku).build()));
    return trailers.get().get(RequestIdStage.HEADER);
  }

  @Test
  void healthIsServingWithTheStoreHealthCheck() {
    assertThat(
            mesh.stub(HealthGrpc::newBlockingStub)
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(InventoryServiceGrpc.SERVICE_NAME)
                        .build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  private static Duration retryDelay(StatusRuntimeException rejected)
      throws InvalidProtocolBufferException {
    com.google.protobuf.Duration delay =
        StatusProto.fromThrowable(rejected).getDetails(0).unpack(RetryInfo.class).getRetryDelay();
    return Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
  }
}
