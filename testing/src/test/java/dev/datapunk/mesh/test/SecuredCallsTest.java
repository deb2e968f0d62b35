package dev.datapunk.mesh.test;

import static dev.datapunk.mesh.test.probe.ProbeService.method;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.test.probe.MeshMain;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc.ProbeServiceBlockingStub;
import dev.datapunk.mesh.test.probe.v1.ReadReply;
import dev.datapunk.mesh.test.probe.v1.ReadRequest;
import dev.datapunk.mesh.test.probe.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens minted by the kit through the real authentication and authorization stages. */
class SecuredCallsTest {

  private static final ReadRequest GREETING = ReadRequest.newBuilder().setKey("greeting").build();

  @RegisterExtension final MeshTestExtension mesh = MeshTestExtension.of(MeshMain.module());

  private ProbeServiceBlockingStub stubWith(String token) {
    return mesh.withToken(token).stub(ProbeServiceGrpc::newBlockingStub);
  }

  @Test
  void aTokenWithTheScopeReads() {
    assertThat(stubWith(mesh.token("alice", "probe:read")).read(GREETING).getValue())
        .isEqualTo("hello");
  }

  @Test
  void aTokenWithoutTheScopeIsPermissionDeniedAndCountedSo() {
    StatusRuntimeException denied =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stubWith(mesh.token("bob", "probe:write", "other:read")).read(GREETING));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.getStatus().getDescription()).isEqualTo("token lacks scope probe:read");
    assertThat(mesh.calls(method("Read"), Status.Code.PERMISSION_DENIED)).isEqualTo(1);
    assertThat(
            mesh
                .meters()
                .get(MeshMeters.AUTH_DECISIONS)
                .tag("method", method("Read"))
                .tag("result", "permission_denied")
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum())
        .isEqualTo(1);
  }

  @Test
  void noTokenOrAForeignTokenIsUnauthenticated() {
    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> mesh.stub(ProbeServiceGrpc::newBlockingStub).read(GREETING));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

    try (MeshTestServer other = MeshTestServer.builder(MeshMain.module()).start()) {
      String foreign = other.token("alice", "probe:read");
      StatusRuntimeException untrusted =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> stubWith(foreign).read(GREETING));
      assertThat(untrusted.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(untrusted.getStatus().getDescription()).doesNotContain(foreign);
    }
  }

  @Test
  void tokensCarryTheRequiredIssuerUnlessTheTestSaysOtherwise() {
    try (MeshTestServer strict =
        MeshTestServer.builder(MeshMain.module())
            .args("--auth.jwt.issuer=https://issuer.test", "--auth.jwt.audience=inventory")
            .start()) {
      ProbeServiceBlockingStub trusted =
          strict
              .withToken(strict.token("alice", "probe:read"))
              .stub(ProbeServiceGrpc::newBlockingStub);
      assertThat(trusted.read(GREETING).getValue()).isEqualTo("hello");
      String foreignIssuer =
          strict.tokenFor("alice").scopes("probe:read").issuer("https://elsewhere.test").mint();
      StatusRuntimeException rejected =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  strict
                      .withToken(foreignIssuer)
                      .stub(ProbeServiceGrpc::newBlockingStub)
                      .read(GREETING));
      assertThat(rejected.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(strict.scrape())
          .containsPattern(
              "mesh_auth_decisions_total\\{[^}]*method=\"meshtest.probe.v1.ProbeService/Read\"[^}]*"
                  + "reason=\"wrong_issuer\"[^}]*} 1.0");
    }
  }

  @Test
  void aTokenExpiresWhenTheTestClockPassesItsExpiryAndTheSkew() {
    String token =
        mesh.tokenFor("alice").scopes("probe:read").validFor(Duration.ofMinutes(5)).mint();
    ProbeServiceBlockingStub stub = stubWith(token);
    assertThat(stub.read(GREETING).getValue()).isEqualTo("hello");

    // auth.jwt.clock-skew is 60 s: valid until exp + 60 s, rejected from then on.
    mesh.clock().advance(Duration.ofMinutes(5).plusSeconds(59));
    assertThat(stub.read(GREETING).getValue()).isEqualTo("hello");
    mesh.clock().advance(Duration.ofSeconds(1));
    StatusRuntimeException expired =
        catchThrowableOfType(StatusRuntimeException.class, () -> stub.read(GREETING));
    assertThat(expired.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aTokenIssuedInThePastCanBeExpiredAtOnce() {
    String stale =
        mesh.tokenFor("alice")
            .scopes("probe:read")
            .issuedAt(mesh.clock().instant().minus(Duration.ofHours(2)))
            .validFor(Duration.ofHours(1))
            .mint();
    assertThat(
            catchThrowableOfType(StatusRuntimeException.class, () -> stubWith(stale).read(GREETING))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void theServiceExceptionHandlerMapsToNotFound() {
    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stubWith(mesh.token("alice", "probe:read"))
                    .read(ReadRequest.newBuilder().setKey("nothing").build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(missing.getStatus().getDescription()).isEqualTo("no key nothing");
    assertThat(mesh.calls(method("Read"), Status.Code.NOT_FOUND)).isEqualTo(1);
  }

  @Test
  void aStreamingCallRunsBehindTheClassPolicy() {
    List<String> values = new ArrayList<>();
    stubWith(mesh.token("alice", "probe:read"))
        .watch(WatchRequest.newBuilder().setCount(4).build())
        .forEachRemaining((ReadReply reply) -> values.add(reply.getValue()));
    assertThat(values).containsExactly("0", "1", "2", "3");
    assertThat(
            catchThrowableOfType(
                    StatusRuntimeException.class,
                    () ->
                        mesh.stub(ProbeServiceGrpc::newBlockingStub)
                            .watch(WatchRequest.newBuilder().setCount(1).build())
                            .hasNext())
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(mesh.calls(method("Watch"), Status.Code.OK)).isEqualTo(1);
    assertThat(mesh.calls(method("Watch"), Status.Code.UNAUTHENTICATED)).isEqualTo(1);
  }
}
