package dev.datapunk.mesh.runtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.client.ClientSettings.TokenMode;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.tls.TlsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code client.<name>.*} through the layered configuration: values, defaults, and errors naming
 * the key.
 */
class ClientConfigTest {

  @TempDir Path dir;

  private MeshConfig load(String... args) {
    return ConfigLoader.load(args, Map.of(), dir).config();
  }

  private String loadFailure(String... args) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(args, Map.of(), dir))
        .getMessage();
  }

  private String clientsFailure(String... args) {
    MeshConfig config = load(args);
    return assertThrows(ConfigException.class, config::clients).getMessage();
  }

  @Test
  void aTargetAloneGivesEveryDefault() {
    ClientSettings inventory =
        load("--client.inventory.target=localhost:50051").clients().get("inventory");
    assertEquals(
        new ClientSettings(
            "inventory",
            "localhost:50051",
            TlsMode.MTLS,
            Optional.empty(),
            Optional.of(Duration.ofSeconds(10)),
            TokenMode.NONE,
            Optional.empty(),
            new ClientSettings.Retry(3, Duration.ofSeconds(2))),
        inventory);
    assertThat(load().clients()).isEmpty();
  }

  @Test
  void everyKeyFromTheFileWithNestedYaml() throws IOException {
    Files.writeString(dir.resolve("token"), "t0ken\n");
    Files.writeString(
        dir.resolve("mesh.yaml"),
        """
        client:
          inventory:
            target: dns:///inventory.shop.svc:50051
            tls-mode: tls
            server-identity: spiffe://shop/inventory
            deadline: off
            token: service
            token-file: token
            retry:
              max-attempts: 5
              max-delay: 750ms
          billing:
            target: "[::1]:7000"
            token: forward
        """);
    Map<String, ClientSettings> clients = load().clients();
    assertThat(clients.keySet()).containsExactly("billing", "inventory");
    assertEquals(
        new ClientSettings(
            "inventory",
            "dns:///inventory.shop.svc:50051",
            TlsMode.TLS,
            Optional.of("spiffe://shop/inventory"),
            Optional.empty(),
            TokenMode.SERVICE,
            Optional.of(dir.resolve("token")),
            new ClientSettings.Retry(5, Duration.ofMillis(750))),
        clients.get("inventory"));
    assertEquals(TokenMode.FORWARD, clients.get("billing").token());
  }

  @Test
  void badValuesNameTheirKey() {
    assertEquals(
        "client.inventory.target: expected host:port or a gRPC target URI such as"
            + " dns:///inventory.shop:50051, got \"inventory\" (from command line"
            + " --client.inventory.target=inventory)",
        loadFailure("--client.inventory.target=inventory"));
    assertThat(loadFailure("--client.inventory.target=localhost:70000"))
        .startsWith("client.inventory.target: expected host:port");
    assertEquals(
        "client.inventory.token: expected one of forward, service, none, got \"always\""
            + " (from command line --client.inventory.token=always)",
        loadFailure("--client.inventory.token=always"));
    assertThat(loadFailure("--client.inventory.retry.max-attempts=0"))
        .startsWith("client.inventory.retry.max-attempts: expected an integer from 1 to 10");
    assertThat(loadFailure("--client.inventory.deadline=10"))
        .startsWith("client.inventory.deadline: expected off or a duration");
  }

  @Test
  void aMisspelledKeyListsTheKeysOfTheFamily() {
    assertThat(loadFailure("--client.inventory.tagret=localhost:1"))
        .startsWith(
            "unknown configuration key \"client.inventory.tagret\" (from command line"
                + " --client.inventory.tagret); expected client.<name>.target or"
                + " client.<name>.tls-mode");
  }

  @Test
  void aBadClientNameIsNamed() {
    assertThat(loadFailure("--client.Inventory.target=localhost:1"))
        .isEqualTo(
            "client.Inventory.target: expected client.<name>.target with a client name of"
                + " lower-case letters, digits and - starting with a letter, e.g. inventory, got"
                + " \"Inventory\" (from command line --client.Inventory.target)");
  }

  @Test
  void everyClientKeyComesFromTheEnvironmentTooWithDoubleUnderscoreForDash() {
    MeshConfig config =
        ConfigLoader.load(
                new String[0],
                Map.of(
                    "MESH_CLIENT_ORDER__SVC_TARGET", "orders:50051",
                    "MESH_CLIENT_ORDER__SVC_TLS_MODE", "tls",
                    "MESH_CLIENT_ORDER__SVC_SERVER_IDENTITY", "spiffe://shop/orders",
                    "MESH_CLIENT_ORDER__SVC_DEADLINE", "3s",
                    "MESH_CLIENT_ORDER__SVC_TOKEN", "forward",
                    "MESH_CLIENT_ORDER__SVC_RETRY_MAX_ATTEMPTS", "5",
                    "MESH_CLIENT_ORDER__SVC_RETRY_MAX_DELAY", "1s"),
                dir)
            .config();
    assertEquals(
        new ClientSettings(
            "order-svc",
            "orders:50051",
            TlsMode.TLS,
            Optional.of("spiffe://shop/orders"),
            Optional.of(Duration.ofSeconds(3)),
            TokenMode.FORWARD,
            Optional.empty(),
            new ClientSettings.Retry(5, Duration.ofSeconds(1))),
        config.clients().get("order-svc"));
    assertThat(config.entries())
        .extracting(Object::toString)
        .contains(
            "client.order-svc.target=orders:50051 (environment MESH_CLIENT_ORDER__SVC_TARGET)");
  }

  @Test
  void aServiceTokenFileFromTheEnvironmentIsNotTakenForTheTokenMode() throws IOException {
    Files.writeString(dir.resolve("token"), "t0ken\n");
    MeshConfig config =
        ConfigLoader.load(
                new String[0],
                Map.of(
                    "MESH_CLIENT_INVENTORY_TARGET", "localhost:1",
                    "MESH_CLIENT_INVENTORY_TOKEN", "service",
                    "MESH_CLIENT_INVENTORY_TOKEN_FILE", dir.resolve("token").toString()),
                dir)
            .config();
    ClientSettings inventory = config.clients().get("inventory");
    assertEquals(TokenMode.SERVICE, inventory.token());
    assertEquals(Optional.of(dir.resolve("token")), inventory.tokenFile());
  }

  @Test
  void aClientVariableWithoutAKnownEndingListsTheFamilysVariables() {
    String message =
        assertThrows(
                ConfigException.class,
                () ->
                    ConfigLoader.load(
                        new String[0], Map.of("MESH_CLIENT_INVENTORY_TARGT", "localhost:1"), dir))
            .getMessage();
    assertThat(message)
        .startsWith(
            "unknown configuration variable MESH_CLIENT_INVENTORY_TARGT (from environment);"
                + " variables of this family are MESH_CLIENT_<NAME>_TARGET,"
                + " MESH_CLIENT_<NAME>_TLS_MODE,")
        .contains("MESH_CLIENT_<NAME>_RETRY_MAX_DELAY")
        .doesNotContain("localhost:1");
  }

  @Test
  void aClientNameWithASingleUnderscoreIsRefusedNamingTheVariable() {
    String message =
        assertThrows(
                ConfigException.class,
                () ->
                    ConfigLoader.load(
                        new String[0], Map.of("MESH_CLIENT_ORDER_SVC_TARGET", "orders:1"), dir))
            .getMessage();
    assertThat(message)
        .startsWith("client.order_svc.target: expected client.<name>.target with a client name")
        .contains("(from environment MESH_CLIENT_ORDER_SVC_TARGET)");
  }

  @Test
  void settingsThatDoNotFitTogetherNameEveryKeyAndSource() {
    assertEquals(
        "client.inventory.target is required: client inventory has other settings"
            + " (client.inventory.token from command line --client.inventory.token) but no target",
        clientsFailure("--client.inventory.token=forward"));
    assertEquals(
        "client.inventory.token-file is required with client.inventory.token=service (from command"
            + " line --client.inventory.token)",
        clientsFailure(
            "--client.inventory.target=localhost:1", "--client.inventory.token=service"));
    assertEquals(
        "client.inventory.token-file is set (from command line --client.inventory.token-file) but"
            + " client.inventory.token is none; the file is only read with"
            + " client.inventory.token=service",
        clientsFailure("--client.inventory.target=localhost:1", "--client.inventory.token-file=t"));
    assertEquals(
        "client.inventory.server-identity is set (from command line"
            + " --client.inventory.server-identity) but client.inventory.tls-mode is plaintext"
            + " (from command line --client.inventory.tls-mode): without TLS the server proves no"
            + " identity; use tls or mtls",
        clientsFailure(
            "--client.inventory.target=localhost:1",
            "--client.inventory.tls-mode=plaintext",
            "--client.inventory.server-identity=x"));
  }

  @Test
  void aServerDoesNotStartWithAClientItCannotSetUp() {
    ConfigException inconsistent =
        assertThrows(
            ConfigException.class,
            () ->
                MeshApplication.start(
                        new String[] {
                          "--server.host=127.0.0.1",
                          "--server.port=0",
                          "--metrics.port=0",
                          "--client.inventory.token=forward"
                        },
                        List.of(),
                        Map.of(),
                        dir)
                    .close());
    assertThat(inconsistent.getMessage()).startsWith("client.inventory.target is required");
    IllegalStateException unreadable =
        assertThrows(
            IllegalStateException.class,
            () ->
                MeshApplication.start(
                        new String[] {
                          "--server.host=127.0.0.1",
                          "--server.port=0",
                          "--metrics.port=0",
                          "--client.inventory.target=localhost:1",
                          "--client.inventory.token=service",
                          "--client.inventory.token-file=missing.token"
                        },
                        List.of(),
                        Map.of(),
                        dir)
                    .close());
    assertEquals(
        "client.inventory.token-file: cannot read "
            + dir.resolve("missing.token")
            + " (NoSuchFileException)",
        unreadable.getMessage());
  }

  @Test
  void everyProblemOfEveryClientIsReportedAtOnce() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            load(
                    "--client.a.token=service",
                    "--client.b.target=localhost:1",
                    "--client.b.token-file=t")
                ::clients);
    assertThat(e.problems()).hasSize(3);
  }
}
