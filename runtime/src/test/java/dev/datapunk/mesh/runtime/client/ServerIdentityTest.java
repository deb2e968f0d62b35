package dev.datapunk.mesh.runtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.tls.CertificateFixture;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's certificate as a mesh client checks it, in real mTLS handshakes with a test PKI: by
 * the target's host name, or by {@code client.<name>.server-identity} instead.
 */
class ServerIdentityTest {

  private static final String INVENTORY = "spiffe://shop.test/inventory";

  @TempDir Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> open = new ArrayList<>();
  private CertificateFixture ca;

  @BeforeEach
  void pki() {
    ca = CertificateFixture.newCa("Shop CA");
    ca.writeCertificate(dir.resolve("ca.pem"));
    ca.leaf("orders")
        .uri("spiffe://shop.test/orders")
        .clientAuth()
        .issue()
        .writeChain(dir.resolve("client.pem"), dir.resolve("client.key"));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  /** A server presenting a certificate for {@link #INVENTORY} and the given host names. */
  private Downstream server(String... dnsNames) {
    CertificateFixture.LeafBuilder leaf = ca.leaf("inventory").uri(INVENTORY).serverAuth();
    for (String name : dnsNames) {
      leaf.dns(name);
    }
    leaf.issue().writeChain(dir.resolve("server.pem"), dir.resolve("server.key"));
    Downstream server =
        Downstream.start(
            dir,
            "--tls.cert=" + dir.resolve("server.pem"),
            "--tls.key=" + dir.resolve("server.key"),
            "--tls.ca=" + dir.resolve("ca.pem"));
    open.add(server);
    return server;
  }

  /**
   * Client "inventory" towards {@code target}, presenting the client certificate, plus {@code
   * args}.
   */
  private Channel client(String target, String... args) {
    List<String> all = new ArrayList<>(List.of("--client.inventory.target=" + target));
    all.addAll(List.of(args));
    MeshChannels.Builder builder =
        MeshChannels.builder()
            .meterRegistry(registry)
            .identity(dir.resolve("client.pem"), dir.resolve("client.key"))
            .trust(dir.resolve("ca.pem"));
    ConfigLoader.load(all.toArray(String[]::new), Map.of(), dir)
        .config()
        .clients()
        .values()
        .forEach(builder::client);
    MeshChannels channels = builder.build();
    open.add(0, channels);
    return channels.channel("inventory");
  }

  private static String call(Channel channel) {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .serverStreamingRpc(SimpleRequest.getDefaultInstance())
        .next()
        .getResponseMessage();
  }

  private static String causes(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      all.append(cause).append('\n');
    }
    return all.toString();
  }

  @Test
  void theConfiguredIdentityIsAccepted() {
    Downstream server = server();
    assertEquals(
        "public",
        call(
            client(
                "localhost:" + server.port(), "--client.inventory.server-identity=" + INVENTORY)));
  }

  @Test
  void aTrustedServerWithAnotherIdentityIsRefusedInTheHandshake() {
    Downstream server = server("localhost");
    Channel channel =
        client(
            "localhost:" + server.port(),
            "--client.inventory.server-identity=spiffe://shop.test/billing");
    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> call(channel));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertThat(causes(refused))
        .contains(
            "proves identity spiffe://shop.test/inventory, not the expected"
                + " spiffe://shop.test/billing");
    assertThat(server.seen()).as("no request reached the server").isEmpty();
    assertThat(registry.find(ClientMeters.RETRIES).counters())
        .as("a TLS failure is not retried")
        .isEmpty();
  }

  @Test
  void withoutAConfiguredIdentityTheHostNameIsChecked() {
    Downstream server = server("inventory.shop.internal");
    StatusRuntimeException refused =
        assertThrows(
            StatusRuntimeException.class, () -> call(client("localhost:" + server.port())));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertThat(server.seen()).isEmpty();
  }

  @Test
  void aConfiguredIdentityReplacesTheHostNameCheck() {
    Downstream server = server("inventory.shop.internal");
    assertEquals(
        "public",
        call(
            client(
                "localhost:" + server.port(), "--client.inventory.server-identity=" + INVENTORY)));
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefused() {
    CertificateFixture other = CertificateFixture.newCa("Other CA");
    other
        .leaf("inventory")
        .uri(INVENTORY)
        .dns("localhost")
        .serverAuth()
        .issue()
        .writeChain(dir.resolve("server.pem"), dir.resolve("server.key"));
    Downstream server =
        Downstream.start(
            dir,
            "--tls.cert=" + dir.resolve("server.pem"),
            "--tls.key=" + dir.resolve("server.key"),
            "--tls.ca=" + dir.resolve("ca.pem"));
    open.add(server);
    StatusRuntimeException refused =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                call(
                    client(
                        "localhost:" + server.port(),
                        "--client.inventory.server-identity=" + INVENTORY)));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertThat(server.seen()).isEmpty();
  }
}
