package dev.datapunk.mesh.sample.e2e;

import static dev.datapunk.mesh.sample.e2e.RunningServer.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.tls.DevPki;
import dev.datapunk.mesh.sample.Inventory;
import dev.datapunk.mesh.sample.InventoryService_MeshBinding;
import dev.datapunk.mesh.sample.OrderService;
import dev.datapunk.mesh.sample.OrderService_MeshBinding;
import dev.datapunk.mesh.sample.e2e.RecordingBinding.Seen;
import dev.datapunk.mesh.sample.orders.v1.Order;
import dev.datapunk.mesh.sample.orders.v1.OrderServiceGrpc;
import dev.datapunk.mesh.sample.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import dev.datapunk.mesh.sample.orders.v1.PingInventoryReply;
import dev.datapunk.mesh.sample.orders.v1.PingInventoryRequest;
import dev.datapunk.mesh.sample.orders.v1.PlaceOrderRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's second call path, end to end: a client calls {@code OrderService} on one mesh
 * server, which calls {@code InventoryService} on another through the mesh client {@code
 * inventory}. Both are real servers on loopback, started as the generated bootstrap starts them,
 * over mTLS with the development PKI; the inventory records what each call brought.
 */
class ServiceToServiceTest {

  private static final PlaceOrderRequest TWO_BEANS =
      PlaceOrderRequest.newBuilder().setSku("SKU-0001").setQuantity(2).build();

  @TempDir Path dir;

  private final List<RunningServer> servers = new ArrayList<>();
  private RecordingBinding inventory;

  @AfterEach
  void stop() {
    // The order servers first: they hold channels to the inventory.
    for (int i = servers.size() - 1; i >= 0; i--) {
      servers.get(i).close();
    }
  }

  private RunningServer inventoryServer(String... args) {
    inventory =
        new RecordingBinding(new InventoryService_MeshBinding(Inventory.inventoryService()));
    RunningServer server = RunningServer.start(dir, MeshModule.of(List.of(inventory)), args);
    servers.add(server);
    return server;
  }

  /**
   * The order server, its client {@code inventory} aimed at {@code inventoryServer} with {@code
   * args}.
   */
  private RunningServer orderServer(RunningServer inventoryServer, String... args)
      throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--metrics.port=" + RunningServer.freePort(),
                "--client.inventory.target=localhost:" + inventoryServer.port(),
                "--client.inventory.token=forward",
                "--client.inventory.deadline=20s"));
    all.addAll(List.of(args));
    RunningServer server =
        RunningServer.start(
            dir,
            MeshModule.of(List.of(new OrderService_MeshBinding(new OrderService()))),
            all.toArray(String[]::new));
    servers.add(server);
    return server;
  }

  private static OrderServiceBlockingStub orders(RunningServer server, String token)
      throws Exception {
    return withToken(OrderServiceGrpc.newBlockingStub(server.mtlsChannel()), token);
  }

  @Test
  void anOrderCarriesTheCallersTokenAndWhatIsLeftOfItsDeadline() throws Exception {
    RunningServer orderServer = orderServer(inventoryServer());
    String token = orderServer.token("alice", "orders:write", "inventory:read");

    // Deadlines here are tens of seconds and the bounds 10 s wide: the first call sets up two mTLS
    // connections, which a busy machine may take seconds for.
    Order order =
        orders(orderServer, token).withDeadlineAfter(60, TimeUnit.SECONDS).placeOrder(TWO_BEANS);

    assertEquals("Espresso beans, 1 kg", order.getItem().getName());
    Seen getItem = inventory.seen().get(0);
    assertEquals("GetItem", getItem.method());
    assertThat(getItem.subject()).as("the inventory verified alice's own token").hasValue("alice");
    assertThat(getItem.peer())
        .as("over mTLS as the order service")
        .hasValue(DevPki.CLIENT_IDENTITY);
    assertThat(getItem.deadline())
        .hasValueSatisfying(
            left ->
                assertThat(left)
                    .isGreaterThan(Duration.ofSeconds(50))
                    .isLessThanOrEqualTo(Duration.ofSeconds(60)));
  }

  @Test
  void theClientsDefaultDeadlineAppliesOnlyToCallsWithoutOne() throws Exception {
    RunningServer orderServer = orderServer(inventoryServer());
    String token = orderServer.token("alice", "orders:write", "inventory:read");

    orders(orderServer, token).placeOrder(TWO_BEANS);
    orders(orderServer, token).withDeadlineAfter(60, TimeUnit.SECONDS).placeOrder(TWO_BEANS);

    assertThat(inventory.seen().get(0).deadline())
        .as("no deadline: client.inventory.deadline=20s")
        .hasValueSatisfying(
            left ->
                assertThat(left)
                    .isGreaterThan(Duration.ofSeconds(10))
                    .isLessThanOrEqualTo(Duration.ofSeconds(20)));
    assertThat(inventory.seen().get(1).deadline())
        .as("the caller's 60 s, longer than the default, goes on")
        .hasValueSatisfying(left -> assertThat(left).isGreaterThan(Duration.ofSeconds(50)));
  }

  @Test
  void theInventoryDecidesWithTheCallersRights() throws Exception {
    RunningServer orderServer = orderServer(inventoryServer());
    String ordersOnly = orderServer.token("bob", "orders:write");

    StatusRuntimeException refused =
        assertThrows(
            StatusRuntimeException.class,
            () -> orders(orderServer, ordersOnly).placeOrder(TWO_BEANS));

    assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
    assertEquals(
        "inventory: token lacks scope inventory:read", refused.getStatus().getDescription());
    assertThat(inventory.seen()).isEmpty();
  }

  @Test
  void aPublicCallForwardsNoTokenEvenWhenItsCallerSentOne() throws Exception {
    RunningServer orderServer = orderServer(inventoryServer());
    String token = orderServer.token("alice", "orders:write", "inventory:read");

    PingInventoryReply reply =
        orders(orderServer, token)
            .pingInventory(PingInventoryRequest.newBuilder().setMessage("hello").build());

    assertEquals("hello", reply.getMessage());
    assertEquals(DevPki.CLIENT_IDENTITY, reply.getInventoryCaller());
    Seen ping = inventory.seen().get(0);
    assertEquals("Ping", ping.method());
    assertEquals(
        false,
        ping.authorization(),
        "PingInventory is @Public: its caller's header was never verified");
  }

  @Test
  void anInventoryWithAnotherIdentityIsRefused() throws Exception {
    RunningServer orderServer =
        orderServer(
            inventoryServer(), "--client.inventory.server-identity=spiffe://mesh.dev/inventory");
    String token = orderServer.token("alice", "orders:write", "inventory:read");

    StatusRuntimeException refused =
        assertThrows(
            StatusRuntimeException.class, () -> orders(orderServer, token).placeOrder(TWO_BEANS));

    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertThat(inventory.seen()).as("alice's token never left for the wrong server").isEmpty();
  }

  @Test
  void aRateLimitedInventoryCallIsRetriedAfterTheAdvertisedDelay() throws Exception {
    String getItem = "datapunk.inventory.v1.InventoryService/GetItem";
    RunningServer orderServer =
        orderServer(
            inventoryServer(
                "--ratelimit.override." + getItem + ".rps=2",
                "--ratelimit.override." + getItem + ".burst=1"));
    String token = orderServer.token("alice", "orders:write", "inventory:read");

    orders(orderServer, token).placeOrder(TWO_BEANS);
    Order second = orders(orderServer, token).placeOrder(TWO_BEANS);

    // One token per 500 ms: the second order's first GetItem found the bucket empty and never
    // reached
    // the service; the client waited the RetryInfo delay and its retry did.
    assertEquals("SKU-0001", second.getItem().getSku());
    assertThat(inventory.seen()).hasSize(2);
    String scrape = orderServer.scrape();
    assertThat(scrape)
        .contains(
            "mesh_client_retries_total{client=\"inventory\",method=\""
                + getItem
                + "\",reason=\"retry_info\"} 1.0");
    assertThat(scrape)
        .containsPattern(
            "grpc_client_processing_duration_seconds_count\\{[^}]*client=\"inventory\""
                + "[^}]*method=\"GetItem\"[^}]*statusCode=\"OK\"[^}]*\\} 2\n");
    assertThat(scrape)
        .containsPattern("grpc_client_requests_sent_messages_total\\{[^}]*client=\"inventory\"");
  }
}
