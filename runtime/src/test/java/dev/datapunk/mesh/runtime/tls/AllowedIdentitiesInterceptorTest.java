package dev.datapunk.mesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The allow list on a real mTLS server. */
class AllowedIdentitiesInterceptorTest {

  @TempDir Path dir;

  private Path caFile;
  private CertificateFixture ca;
  private ServerTls tls;
  private TlsTestServer server;
  private AllowedIdentitiesInterceptor allowList;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateFixture.newCa("Allow CA");
    caFile = ca.writeCertificate(dir.resolve("ca.pem"));
    ca.leaf("localhost").dns("localhost").ip("127.0.0.1").serverAuth().issue()
        .writeChain(dir.resolve("server.pem"), dir.resolve("server.key"));
    tls = ServerTls.start(ServerTlsConfig.mtls(
        dir.resolve("server.pem"), dir.resolve("server.key"), caFile));
    allowList = new AllowedIdentitiesInterceptor(AllowedIdentities.allowAll());
    server = new TlsTestServer(tls.credentials(), allowList);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    tls.close();
  }

  private ManagedChannel client(String name, String spiffeId) throws Exception {
    CertificateFixture.LeafBuilder leaf = ca.leaf(name).clientAuth();
    if (spiffeId != null) {
      leaf.uri(spiffeId);
    }
    leaf.issue().writeChain(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    ChannelCredentials credentials =
        ClientTls.mutual(caFile, dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    return server.channel(credentials);
  }

  private void assertDenied(ManagedChannel channel) {
    int before = server.serviceCalls();
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> TlsTestServer.call(channel));
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("client identity not allowed", e.getStatus().getDescription());
    assertEquals(before, server.serviceCalls(), "service code must not run");
  }

  @Test
  void exactIdentityIsAllowed() throws Exception {
    allowList.update(AllowedIdentities.of("spiffe://mesh.test/billing", "legacy"));
    assertEquals("spiffe://mesh.test/billing",
        TlsTestServer.call(client("billing", "spiffe://mesh.test/billing")));
    assertEquals("legacy", TlsTestServer.call(client("legacy", null)));
  }

  @Test
  void identityUnderAllowedPrefixIsAllowed() throws Exception {
    allowList.update(AllowedIdentities.of("spiffe://mesh.test/*"));
    assertEquals("spiffe://mesh.test/ns/a/sa/b",
        TlsTestServer.call(client("deep", "spiffe://mesh.test/ns/a/sa/b")));
  }

  @Test
  void identityOutsideTheListIsDenied() throws Exception {
    allowList.update(AllowedIdentities.of("spiffe://mesh.test/*", "legacy"));
    assertDenied(client("ops", "spiffe://other.test/ops"));
    assertDenied(client("not-legacy", null));
  }

  @Test
  void replacingTheListAppliesToTheNextCall() throws Exception {
    ManagedChannel ops = client("ops", "spiffe://other.test/ops");
    assertEquals("spiffe://other.test/ops", TlsTestServer.call(ops));

    allowList.update(AllowedIdentities.of("spiffe://mesh.test/*"));
    assertDenied(ops);

    allowList.update(AllowedIdentities.allowAll());
    assertEquals("spiffe://other.test/ops", TlsTestServer.call(ops));
  }
}
