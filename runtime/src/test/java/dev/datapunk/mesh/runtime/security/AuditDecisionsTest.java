package dev.datapunk.mesh.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.security.jwt.JwksFileSource;
import dev.datapunk.mesh.runtime.security.jwt.JwtSettings;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import dev.datapunk.mesh.runtime.server.MeshServer;
import dev.datapunk.mesh.runtime.tls.AllowedIdentities;
import dev.datapunk.mesh.runtime.tls.ServerTls;
import dev.datapunk.mesh.runtime.tls.ServerTlsConfig;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every security decision of real calls over mTLS reaches the audit log (an {@link AuditLog}
 * writing to memory, with a fixed clock) and the {@code mesh.auth.decisions} meters: denials
 * always, allowed calls only while {@code auth.audit.allowed} is on.
 */
class AuditDecisionsTest {

  static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");
  static final String UNARY = "grpc.testing.SimpleService/UnaryRpc";
  static final String PUBLIC = "grpc.testing.SimpleService/ServerStreamingRpc";

  @TempDir Path dir;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AuditLog audit = new AuditLog(Clock.fixed(NOW, ZoneOffset.UTC), lines::add, false);
  private final PeerAllowList allowList = new PeerAllowList(AllowedIdentities.allowAll());
  private MeshTestServer.Pki pki;
  private DevSigningKey key;
  private ServerTls tls;
  private LocalRateLimiterBackend limiter;
  private MeshTestServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    pki = MeshTestServer.Pki.create(Files.createDirectories(dir.resolve("pki")));
    key = DevSigningKey.ensure(dir.resolve("dev"));
    MeshConfig config =
        ConfigLoader.load(
                new String[] {
                  "--server.host=127.0.0.1",
                  "--server.port=0",
                  "--metrics.port=0",
                  "--server.shutdown-grace=1s"
                },
                Map.of(),
                dir)
            .config();
    tls = ServerTls.start(ServerTlsConfig.mtls(pki.serverCert(), pki.serverKey(), pki.caCert()));
    limiter = LocalRateLimiterBackend.create();
    AtomicInteger calls = new AtomicInteger();
    MeshServer mesh =
        MeshServer.builder(config)
            .bindings(List.of(MeshTestServer.binding(calls)))
            .credentials(tls.credentials(), true)
            .meterRegistry(registry)
            .tokenVerifier(
                new JwtTokenVerifier(
                    JwksFileSource.open(key.jwksFile(), Duration.ZERO), JwtSettings.defaults()))
            .rateLimiterBackend(limiter)
            .peerAllowList(allowList)
            .authDecisionListener(audit)
            .closeOnShutdown(tls)
            .closeOnShutdown(limiter)
            .build()
            .start();
    server = MeshTestServer.of(mesh, calls);
    channel = server.channel(pki.client());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close(); // closes the TLS material and the limiter with it
    } else {
      if (tls != null) {
        tls.close();
      }
      if (limiter != null) {
        limiter.close();
      }
    }
  }

  private String token(String subject, String... scopes) {
    return token(Clock.systemUTC(), subject, scopes);
  }

  private String token(Clock clock, String subject, String... scopes) {
    return DevTokens.mint(
        key,
        new DevTokenRequest(
            subject, List.of(scopes), Duration.ofMinutes(5), Optional.empty(), Optional.empty()),
        clock);
  }

  private static String line(
      String method, String peer, String subject, String decision, String reason) {
    return "time=2026-11-24T10:15:30Z method="
        + method
        + " peer="
        + peer
        + " subject="
        + subject
        + " decision="
        + decision
        + " reason="
        + reason;
  }

  private double counted(String method, String reason) {
    var counter =
        registry
            .find(MeshMeters.AUTH_DECISIONS)
            .tag("method", method)
            .tag("reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void denialsAreAlwaysAuditedAndCountedWithTheirReason() {
    String id = MeshTestServer.CLIENT_ID;
    assertThrows(StatusRuntimeException.class, () -> MeshTestServer.unary(channel));
    assertThrows(
        StatusRuntimeException.class, () -> MeshTestServer.unary(channel, "Bearer not.a.token"));
    Clock tenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
    assertThrows(
        StatusRuntimeException.class,
        () -> MeshTestServer.unary(channel, "Bearer " + token(tenMinutesAgo, "mallory", "read")));
    assertThrows(
        StatusRuntimeException.class,
        () -> MeshTestServer.unary(channel, "Bearer " + token("bob", "write")));

    assertThat(lines)
        .containsExactly(
            line(UNARY, id, "-", "unauthenticated", "missing"),
            line(UNARY, id, "-", "unauthenticated", "malformed"),
            // The expired token's subject is not trusted, so not written.
            line(UNARY, id, "-", "unauthenticated", "expired"),
            line(UNARY, id, "bob", "permission_denied", "missing_scope"));
    assertThat(counted(UNARY, "missing")).isEqualTo(1);
    assertThat(counted(UNARY, "malformed")).isEqualTo(1);
    assertThat(counted(UNARY, "expired")).isEqualTo(1);
    assertThat(counted(UNARY, "missing_scope")).isEqualTo(1);
  }

  @Test
  void allowedCallsAreAuditedOnlyWhileSwitchedOnButAlwaysCounted() {
    String token = token("alice", "read");
    MeshTestServer.unary(channel, "Bearer " + token);
    assertThat(lines).isEmpty();

    audit.setAuditAllowed(true);
    MeshTestServer.unary(channel, "Bearer " + token);
    assertThat(lines)
        .containsExactly(line(UNARY, MeshTestServer.CLIENT_ID, "alice", "allowed", "ok"));

    audit.setAuditAllowed(false);
    MeshTestServer.unary(channel, "Bearer " + token);
    assertThat(lines).hasSize(1);
    assertThat(counted(UNARY, "ok")).isEqualTo(3);
  }

  @Test
  void theAllowListDecidesOpenMethodsOnlyWhileItIsNotEmpty() {
    audit.setAuditAllowed(true);
    MeshTestServer.publicCall(channel);
    assertThat(lines).as("no check, no decision").isEmpty();

    allowList.update(AllowedIdentities.of("spiffe://mesh.test/*"));
    MeshTestServer.publicCall(channel);
    assertThat(lines).containsExactly(line(PUBLIC, MeshTestServer.CLIENT_ID, "-", "allowed", "ok"));

    allowList.update(AllowedIdentities.of("spiffe://elsewhere.test/*"));
    lines.clear();
    assertThrows(StatusRuntimeException.class, () -> MeshTestServer.publicCall(channel));
    assertThrows(
        StatusRuntimeException.class,
        () -> MeshTestServer.unary(channel, "Bearer " + token("alice", "read")));
    assertThat(lines)
        .containsExactly(
            line(
                PUBLIC, MeshTestServer.CLIENT_ID, "-", "permission_denied", "identity_not_allowed"),
            line(
                UNARY, MeshTestServer.CLIENT_ID, "-", "permission_denied", "identity_not_allowed"));
    assertThat(counted(UNARY, "identity_not_allowed")).isEqualTo(1);
    assertThat(server.serviceCalls()).as("only the two allowed public calls ran").isEqualTo(2);
  }
}
