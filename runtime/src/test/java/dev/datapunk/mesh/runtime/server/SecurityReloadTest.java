package dev.datapunk.mesh.runtime.server;

import static dev.datapunk.mesh.runtime.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.config.ConfigChange;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.ReloadReport;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import dev.datapunk.mesh.runtime.security.MeshTestServer;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of the security keys on a real mTLS server started from configuration: {@code
 * tls.allowed-identities}, {@code auth.jwt.issuer} and {@code auth.audit.allowed} take effect for
 * the next call on an already open connection.
 */
class SecurityReloadTest {

  private static final String OTHER = "spiffe://mesh.test/ns/shop/other";
  private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private MeshTestServer server;
  private StderrCapture stderr;

  @AfterEach
  void stop() {
    if (stderr != null) {
      stderr.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void allowedIdentitiesIssuerAndAuditSwitchApplyToNewCalls() throws Exception {
    MeshTestServer.Pki pki = MeshTestServer.Pki.create(dir);
    Path file = dir.resolve("mesh.yaml");
    write(file, "tls.allowed-identities: [" + OTHER + "]\n");
    server = MeshTestServer.start(dir, pki.tlsArgs());
    ConfigWatcher watcher = server.server().configWatcher().orElseThrow();
    ManagedChannel channel = server.channel(pki.client());
    String token = token(Optional.empty());

    StatusRuntimeException denied =
        assertThrows(StatusRuntimeException.class, () -> MeshTestServer.publicCall(channel));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    // The client is allowed from the next call on, on the same connection.
    write(file, "tls.allowed-identities: [" + OTHER + ", " + MeshTestServer.CLIENT_ID + "]\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
    assertThat(MeshTestServer.publicCall(channel)).isEqualTo(MeshTestServer.CLIENT_ID);
    assertThat(MeshTestServer.unary(channel, "Bearer " + token))
        .isEqualTo("alice|" + MeshTestServer.CLIENT_ID);

    // An issuer is now required: the token without one (already verified and cached) is refused.
    write(
        file,
        "tls.allowed-identities: ["
            + OTHER
            + ", "
            + MeshTestServer.CLIENT_ID
            + "]\n"
            + "auth.jwt.issuer: https://issuer.test\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 2);
    StatusRuntimeException unauthenticated =
        assertThrows(
            StatusRuntimeException.class, () -> MeshTestServer.unary(channel, "Bearer " + token));
    assertThat(unauthenticated.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    String issued = token(Optional.of("https://issuer.test"));
    assertThat(MeshTestServer.unary(channel, "Bearer " + issued)).startsWith("alice|");

    // Allowed calls are audited once auth.audit.allowed is switched on.
    stderr = StderrCapture.start();
    MeshTestServer.unary(channel, "Bearer " + issued);
    assertThat(auditedAllowed()).isZero();
    write(
        file,
        "tls.allowed-identities: ["
            + OTHER
            + ", "
            + MeshTestServer.CLIENT_ID
            + "]\n"
            + "auth.jwt.issuer: https://issuer.test\nauth.audit.allowed: true\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 3);
    assertThat(watcher.lastReport().orElseThrow().applied())
        .extracting(ConfigChange::toString)
        .containsExactly("auth.audit.allowed false -> true");
    MeshTestServer.unary(channel, "Bearer " + issued);
    assertThat(auditedAllowed()).isEqualTo(1);

    // Taking the client off the list again denies it on the next call.
    write(file, "tls.allowed-identities: [" + OTHER + "]\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 4);
    denied = assertThrows(StatusRuntimeException.class, () -> MeshTestServer.publicCall(channel));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(watcher.reloads(ReloadReport.Result.REJECTED)).isZero();
  }

  @Test
  void invalidIdentityIsRejectedNamingTheKey() throws Exception {
    MeshTestServer.Pki pki = MeshTestServer.Pki.create(dir);
    Path file = dir.resolve("mesh.yaml");
    write(file, "tls.allowed-identities: [" + MeshTestServer.CLIENT_ID + "]\n");
    server = MeshTestServer.start(dir, pki.tlsArgs());
    ConfigWatcher watcher = server.server().configWatcher().orElseThrow();
    ManagedChannel channel = server.channel(pki.client());

    write(file, "tls.allowed-identities: [" + OTHER + ", \"spiffe://mesh.test/*/shop\"]\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.REJECTED) == 1);
    assertThat(watcher.lastReport().orElseThrow().error())
        .hasValueSatisfying(error -> assertThat(error).contains("tls.allowed-identities"));
    assertThat(MeshTestServer.publicCall(channel)).isEqualTo(MeshTestServer.CLIENT_ID);
  }

  private String token(Optional<String> issuer) throws IOException {
    return DevTokens.mint(
        DevSigningKey.ensure(dir.resolve(".mesh/dev")),
        new DevTokenRequest(
            "alice", List.of("read"), Duration.ofMinutes(5), issuer, Optional.empty()));
  }

  private long auditedAllowed() {
    return stderr
        .text()
        .lines()
        .filter(
            line ->
                line.contains("datapunk.mesh.audit")
                    && line.contains("decision=allowed")
                    && line.contains("subject=alice"))
        .count();
  }
}
