package dev.datapunk.mesh.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.datapunk.mesh.test.probe.MeshMain;
import dev.datapunk.mesh.test.probe.v1.HelloRequest;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc.ProbeServiceBlockingStub;
import dev.datapunk.mesh.test.probe.v1.ReadRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Peer identities set by the kit on the connection, as a client certificate sets them: what service
 * code sees, what the rate limiter keys on, what {@code tls.allowed-identities} admits. Hello's
 * class limit is 10 rps, burst 3.
 */
class PeerIdentityTest {

  private static final HelloRequest HELLO = HelloRequest.getDefaultInstance();

  @RegisterExtension final MeshTestExtension mesh = MeshTestExtension.of(MeshMain.module());

  private ProbeServiceBlockingStub as(String identity) {
    return mesh.withPeer(identity).stub(ProbeServiceGrpc::newBlockingStub);
  }

  @Test
  void serviceCodeSeesTheIdentityAsFromACertificate() {
    assertThat(mesh.stub(ProbeServiceGrpc::newBlockingStub).hello(HELLO).getCaller())
        .isEqualTo(MeshTestServer.DEFAULT_PEER);
    assertThat(as("spiffe://example.org/bob").hello(HELLO).getCaller())
        .isEqualTo("spiffe://example.org/bob");
    assertThat(as("billing-batch").hello(HELLO).getCaller())
        .as("a subject CN")
        .isEqualTo("billing-batch");
  }

  @Test
  void underMtlsTheIdentityWinsOverTheTokenSubject() {
    ProbeServiceBlockingStub bob =
        mesh.withPeer("spiffe://example.org/bob")
            .withToken(mesh.token("alice", "probe:read"))
            .stub(ProbeServiceGrpc::newBlockingStub);
    assertThat(bob.read(ReadRequest.newBuilder().setKey("greeting").build()).getValue())
        .isEqualTo("hello");
    assertThat(bob.hello(HELLO).getCaller()).isEqualTo("spiffe://example.org/bob");
  }

  @Test
  void eachIdentityHasItsOwnBucketAndAHeaderChangesNothing() {
    ProbeServiceBlockingStub bob = as("spiffe://example.org/bob");
    for (int i = 0; i < 3; i++) {
      bob.hello(HELLO);
    }
    assertThat(exhausted(bob)).isTrue();
    assertThat(exhausted(withClientIdHeader(bob, "someone-else")))
        .as("a header is no identity")
        .isTrue();
    assertThat(exhausted(as("spiffe://example.org/bob")))
        .as("another caller with the same identity")
        .isTrue();

    ProbeServiceBlockingStub carol = as("spiffe://example.org/carol");
    assertThat(carol.hello(HELLO).getCaller()).isEqualTo("spiffe://example.org/carol");

    mesh.clock().advance(java.time.Duration.ofMillis(100));
    assertThat(bob.hello(HELLO).getCaller()).isEqualTo("spiffe://example.org/bob");
  }

  @Test
  void allowedIdentitiesAdmitOnlyTheListedPeers() {
    try (MeshTestServer guarded =
        MeshTestServer.builder(MeshMain.module())
            .args("--tls.allowed-identities=spiffe://example.org/alice")
            .start()) {
      assertThat(
              guarded
                  .withPeer("spiffe://example.org/alice")
                  .stub(ProbeServiceGrpc::newBlockingStub)
                  .hello(HELLO)
                  .getCaller())
          .isEqualTo("spiffe://example.org/alice");
      StatusRuntimeException denied =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  guarded
                      .withPeer("spiffe://example.org/mallory")
                      .stub(ProbeServiceGrpc::newBlockingStub)
                      .hello(HELLO));
      assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(denied.getStatus().getDescription()).isEqualTo("client identity not allowed");
      assertThat(
              catchThrowableOfType(
                      StatusRuntimeException.class,
                      () -> guarded.stub(ProbeServiceGrpc::newBlockingStub).hello(HELLO))
                  .getStatus()
                  .getCode())
          .as("the default peer is not listed either")
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }

  @Test
  void withoutMtlsThereIsNoIdentityToSet() {
    try (MeshTestServer plaintext =
        MeshTestServer.builder(MeshMain.module()).args("--tls.mode=plaintext").start()) {
      assertThat(plaintext.stub(ProbeServiceGrpc::newBlockingStub).hello(HELLO).getCaller())
          .isEqualTo("anonymous");
      assertThatThrownBy(() -> plaintext.withPeer("spiffe://example.org/bob").channel())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("tls.mode=mtls")
          .hasMessageContaining("(is plaintext, from command line --tls.mode)");
    }
  }

  private static boolean exhausted(ProbeServiceBlockingStub stub) {
    try {
      stub.hello(HELLO);
      return false;
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      return true;
    }
  }

  private static ProbeServiceBlockingStub withClientIdHeader(
      ProbeServiceBlockingStub stub, String id) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-client-id", Metadata.ASCII_STRING_MARSHALLER), id);
    headers.put(
        Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER), "203.0.113.7");
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }
}
