package dev.datapunk.mesh.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.LoopbackPorts;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.jwt.cache-size} on a real mTLS server started from configuration, seen through the
 * {@code mesh_auth_cached_tokens} gauge on its Prometheus endpoint: the default cache keeps each
 * distinct verified token once, a cache of 2 never holds more than 2, size 0 keeps none and still
 * authenticates every call, and a bad size stops start-up naming the key.
 */
class TokenCacheSizeTest {

  private static final String GAUGE = "mesh_auth_cached_tokens";

  @TempDir Path dir;

  private MeshTestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theDefaultCacheKeepsEachDistinctTokenOnce() throws Exception {
    ManagedChannel channel = start(List.of());
    assertEquals(0, cachedTokens());
    for (String token : tokens(3)) {
      assertThat(MeshTestServer.unary(channel, "Bearer " + token)).startsWith("user-");
      assertThat(MeshTestServer.unary(channel, "Bearer " + token)).startsWith("user-");
    }
    assertEquals(3, cachedTokens());
  }

  @Test
  void aSmallCacheNeverHoldsMoreThanItsSize() throws Exception {
    ManagedChannel channel = start(List.of("--auth.jwt.cache-size=2"));
    for (String token : tokens(6)) {
      assertThat(MeshTestServer.unary(channel, "Bearer " + token)).startsWith("user-");
    }
    assertThat(cachedTokens()).isBetween(1.0, 2.0);
  }

  @Test
  void cacheSizeZeroKeepsNoTokenAndStillAuthenticatesEveryCall() throws Exception {
    ManagedChannel channel = start(List.of("--auth.jwt.cache-size=0"));
    String token = tokens(1).get(0);
    for (int i = 0; i < 5; i++) {
      assertEquals(
          "user-0|" + MeshTestServer.CLIENT_ID, MeshTestServer.unary(channel, "Bearer " + token));
    }
    assertEquals(0, cachedTokens());
  }

  @Test
  void aNegativeCacheSizeStopsStartUpNamingTheKey() {
    MeshTestServer.Pki pki = MeshTestServer.Pki.create(dir);
    List<String> args = new ArrayList<>(pki.tlsArgs());
    args.add("--auth.jwt.cache-size=-1");
    ConfigException e =
        assertThrows(ConfigException.class, () -> MeshTestServer.start(dir, args).close());
    assertEquals(
        List.of(
            "auth.jwt.cache-size: expected an integer from 0 to 10000000, got \"-1\""
                + " (from command line --auth.jwt.cache-size=-1)"),
        e.problems());
  }

  private ManagedChannel start(List<String> extra) throws IOException {
    MeshTestServer.Pki pki = MeshTestServer.Pki.create(dir);
    List<String> args = new ArrayList<>(pki.tlsArgs());
    args.add("--metrics.port=" + LoopbackPorts.free());
    args.addAll(extra);
    server = MeshTestServer.start(dir, args);
    return server.channel(pki.client());
  }

  /**
   * {@code count} tokens of distinct subjects user-0, user-1, ... with the scope the method needs.
   */
  private List<String> tokens(int count) throws IOException {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tokens.add(
          DevTokens.mint(
              DevSigningKey.ensure(dir.resolve(".mesh/dev")),
              new DevTokenRequest(
                  "user-" + i,
                  List.of("read"),
                  Duration.ofMinutes(5),
                  Optional.empty(),
                  Optional.empty())));
    }
    return tokens;
  }

  private double cachedTokens() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + server.server().metricsPort().orElseThrow()
                                + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return response
        .body()
        .lines()
        .filter(line -> line.startsWith(GAUGE + " ") || line.startsWith(GAUGE + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(GAUGE + " is not in the scrape"));
  }
}
