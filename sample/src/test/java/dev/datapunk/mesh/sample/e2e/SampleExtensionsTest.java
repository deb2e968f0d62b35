package dev.datapunk.mesh.sample.e2e;

import static dev.datapunk.mesh.sample.e2e.RunningServer.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.BadRequest;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.sample.InventoryService;
import dev.datapunk.mesh.sample.InventoryService_MeshBinding;
import dev.datapunk.mesh.sample.InventoryStore;
import dev.datapunk.mesh.sample.MeshMain;
import dev.datapunk.mesh.sample.RequestIdStage;
import dev.datapunk.mesh.sample.inventory.v1.GetItemRequest;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc.InventoryServiceBlockingStub;
import dev.datapunk.mesh.sample.inventory.v1.Item;
import dev.datapunk.mesh.sample.inventory.v1.ListItemsRequest;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import dev.datapunk.mesh.sample.inventory.v1.PutItemRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's extensions, wired by its generated {@code MeshMain.module()}, on a real server over
 * mTLS: its exception handlers (the mapped status seen by the client and recorded by the metrics
 * endpoint), its request-id stage; and a main of one's own that creates the service with its
 * constructor argument and reuses the generated extensions.
 */
class SampleExtensionsTest {

  @TempDir
  static Path dir;
  static RunningServer server;
  static ManagedChannel channel;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    server = RunningServer.start(dir, MeshMain.module(), "--metrics.port=" + RunningServer.freePort());
    channel = server.mtlsChannel();
    token = server.token("alice", "inventory:read", "inventory:write");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static InventoryServiceBlockingStub stub() {
    return withToken(InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS), token);
  }

  @Test
  void anUnknownSkuIsNotFoundAndRecordedSo() throws Exception {
    double before = recorded("GetItem", "NOT_FOUND");
    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
        () -> stub().getItem(GetItemRequest.newBuilder().setSku("SKU-0404").build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(missing.getStatus().getDescription()).isEqualTo("no item SKU-0404");
    assertThat(recorded("GetItem", "NOT_FOUND")).isEqualTo(before + 1);
  }

  /** How many calls of {@code method} the metrics endpoint has recorded with {@code status}. */
  private static double recorded(String method, String status) throws Exception {
    Matcher count = Pattern.compile("grpc_server_processing_duration_seconds_count\\{[^}]*method=\"" + method
        + "\"[^}]*statusCode=\"" + status + "\"[^}]*} (\\S+)").matcher(server.scrape());
    return count.find() ? Double.parseDouble(count.group(1)) : 0;
  }

  @Test
  void anInvalidFieldIsInvalidArgumentWithABadRequestNamingIt() throws Exception {
    Item negative = Item.newBuilder().setSku("SKU-0005").setQuantity(-1).build();
    StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
        () -> stub().putItem(PutItemRequest.newBuilder().setItem(negative).build()));
    assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(invalid.getStatus().getDescription()).isEqualTo("quantity must be >= 0");
    BadRequest.FieldViolation violation =
        StatusProto.fromThrowable(invalid).getDetails(0).unpack(BadRequest.class).getFieldViolations(0);
    assertThat(violation.getField()).isEqualTo("item.quantity");
    assertThat(violation.getDescription()).isEqualTo("quantity must be >= 0");

    StatusRuntimeException badSku = assertThrows(StatusRuntimeException.class,
        () -> stub().getItem(GetItemRequest.newBuilder().setSku("").build()));
    assertThat(badSku.getStatus().getDescription()).isEqualTo("sku must be 1 to 64 characters");
    assertThat(StatusProto.fromThrowable(badSku).getDetails(0).unpack(BadRequest.class).getFieldViolations(0).getField())
        .isEqualTo("sku");
  }

  @Test
  void aStreamingCallFailsWithTheMappedStatusToo() {
    StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
        () -> stub().listItems(ListItemsRequest.newBuilder().setLimit(-1).build()).hasNext());
    assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(invalid.getStatus().getDescription()).isEqualTo("limit must be >= 0");
  }

  @Test
  void everyCallGetsARequestIdTheCallerSentOrANewOne() {
    assertThat(requestIdOfPing("checkout-7f3a")).isEqualTo("checkout-7f3a");
    assertThat(requestIdOfPing(null)).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(requestIdOfPing("not a token")).isNotEqualTo("not a token").hasSize(36);

    // A call that fails before any response carries it in its trailers.
    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> withRequestId(stub(), "lookup-1")
        .getItem(GetItemRequest.newBuilder().setSku("SKU-0404").build()));
    assertThat(missing.getTrailers().get(RequestIdStage.HEADER)).isEqualTo("lookup-1");
  }

  @Test
  void aMainOfOnesOwnCreatesTheServiceWithItsStoreAndKeepsTheGeneratedExtensions(@TempDir Path own) throws Exception {
    Item only = Item.newBuilder().setSku("OWN-1").setName("Kettle").setQuantity(2).build();
    MeshModule module = MeshMain.extensions()
        .binding(new InventoryService_MeshBinding(new InventoryService(InventoryStore.of(List.of(only)))))
        .build();
    try (RunningServer ownServer = RunningServer.start(own, module)) {
      ManagedChannel ownChannel = ownServer.mtlsChannel();
      String ownToken = ownServer.token("alice", "inventory:read");
      InventoryServiceBlockingStub ownStub =
          withToken(InventoryServiceGrpc.newBlockingStub(ownChannel).withDeadlineAfter(10, TimeUnit.SECONDS), ownToken);
      assertThat(ownStub.getItem(GetItemRequest.newBuilder().setSku("OWN-1").build())).isEqualTo(only);
      StatusRuntimeException demo = assertThrows(StatusRuntimeException.class,
          () -> ownStub.getItem(GetItemRequest.newBuilder().setSku("SKU-0001").build()));
      assertThat(demo.getStatus().getCode()).as("the demo items are not in this store").isEqualTo(Status.Code.NOT_FOUND);
      StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
          () -> ownStub.getItem(GetItemRequest.newBuilder().setSku("").build()));
      assertThat(invalid.getStatus().getCode()).as("the generated global handler").isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }

  /** The {@code x-request-id} the server answered a Ping with; {@code sent} is sent when not null. */
  private static String requestIdOfPing(String sent) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    if (sent != null) {
      stub = withRequestId(stub, sent);
    }
    stub.ping(PingRequest.newBuilder().setMessage("id?").build());
    return headers.get().get(RequestIdStage.HEADER);
  }

  private static InventoryServiceBlockingStub withRequestId(InventoryServiceBlockingStub stub, String id) {
    Metadata headers = new Metadata();
    headers.put(RequestIdStage.HEADER, id);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }
}
