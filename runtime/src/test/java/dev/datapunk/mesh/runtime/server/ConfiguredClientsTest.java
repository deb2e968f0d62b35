package dev.datapunk.mesh.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.client.MeshChannels;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.security.MeshTestServer;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients the generated bootstrap sets up from the configuration present the server's own
 * certificate and trust its CA: a real call to a mesh server over mTLS shows which identity
 * arrived.
 */
class ConfiguredClientsTest {

  private static final String ORDERS = "spiffe://mesh.test/ns/shop/orders";

  @TempDir Path dir;

  private final FileWatcher files = FileWatcher.start(FileWatcher.DEFAULT_INTERVAL);
  private final List<AutoCloseable> open = new ArrayList<>(List.of(files));

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private MeshConfig config(String... args) {
    return ConfigLoader.load(args, Map.of(), dir).config();
  }

  @Test
  void theClientsPresentTheServersCertificateAndTrustItsCa() {
    MeshTestServer.Pki pki = MeshTestServer.Pki.create(dir);
    MeshTestServer inventory = MeshTestServer.start(dir, pki.tlsArgs());
    open.add(inventory);
    // The orders server's own certificate, good for both ends of a connection.
    pki.ca()
        .leaf("orders")
        .uri(ORDERS)
        .dns("localhost")
        .serverAuth()
        .clientAuth()
        .issue()
        .writeChain(dir.resolve("orders.pem"), dir.resolve("orders.key"));
    MeshConfig orders =
        config(
            "--tls.cert=" + dir.resolve("orders.pem"),
            "--tls.key=" + dir.resolve("orders.key"),
            "--tls.ca=" + pki.caCert(),
            "--client.inventory.target=localhost:" + inventory.server().port());

    MeshChannels channels =
        ConfiguredClients.start(orders, new SimpleMeterRegistry(), files, List.of()).orElseThrow();
    open.add(0, channels);

    assertEquals(
        ORDERS,
        SimpleServiceGrpc.newBlockingStub(channels.channel("inventory"))
            .serverStreamingRpc(SimpleRequest.getDefaultInstance())
            .next()
            .getResponseMessage());
  }

  @Test
  void withoutClientsThereAreNoChannels() {
    assertEquals(
        Optional.empty(),
        ConfiguredClients.start(config(), new SimpleMeterRegistry(), files, List.of()));
  }

  @Test
  void mutualTlsWithoutTheServersCertificateNamesTheKeys() {
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () ->
                ConfiguredClients.start(
                        config(
                            "--tls.ca=" + dir.resolve("ca.pem"),
                            "--client.inventory.target=localhost:1"),
                        new SimpleMeterRegistry(),
                        files,
                        List.of())
                    .ifPresent(MeshChannels::close));
    assertThat(missing.getMessage())
        .startsWith(
            "client.inventory.tls-mode is mtls but tls.cert and tls.key are not" + " both set");
  }
}
