package dev.datapunk.mesh.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.server.MeshServer;
import dev.datapunk.mesh.runtime.tls.CertificateFixture;
import dev.datapunk.mesh.runtime.tls.RecordingTrustManager;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with {@code tls.mode=mtls} and certificate files of its own, under load from two client
 * threads on an open connection, while the files are replaced with garbage, a mismatched key, or a
 * new pair written one file at a time, or the client CA file with garbage. In each bad case new
 * handshakes keep getting the old certificate (the serial the client sees), an error naming the
 * file is logged and counted in {@code mesh_tls_reloads_total{result="rejected"}}, and a correct
 * pair written later is picked up.
 */
class CertificateFileFaultsTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String REJECTED = "Changed TLS server certificate files not applied";
  private static final String CA_REJECTED = "Changed TLS client CA files not applied";
  private static final MethodPolicy OPEN =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).publicAccess().build();

  @TempDir Path dir;
  private CertificateFixture ca;
  private Path serverCert;
  private Path serverKey;
  private Path clientCert;
  private Path clientKey;
  private CertificateFixture.Issued original;
  private MeshServer server;
  private ManagedChannel open;
  private CallLoad load;
  private StderrCapture log;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateFixture.newCa("Faults CA");
    Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
    original = serverLeaf("original");
    original.writeChain(serverCert, serverKey);
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client.key");
    ca.leaf("client")
        .uri("spiffe://mesh.test/client")
        .clientAuth()
        .issue()
        .writeChain(clientCert, clientKey);
    log = StderrCapture.start();
    server =
        FaultServer.start(
            dir,
            OPEN,
            "--tls.mode=mtls",
            "--tls.cert=" + serverCert,
            "--tls.key=" + serverKey,
            "--tls.ca=" + caFile);
    open = channel(new RecordingTrustManager(ca.certificate()));
    ManagedChannel loaded = open;
    load =
        CallLoad.start(
            2, () -> call(loaded), Duration.ofMillis(5), 100_000, Duration.ofSeconds(50));
    assertThat(serialOfNewHandshake()).isEqualTo(serial(original));
  }

  @AfterEach
  void stop() throws Exception {
    if (load != null) {
      load.close();
    }
    if (open != null) {
      open.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    if (log != null) {
      log.close();
    }
  }

  @Test
  void garbageCertificateFileKeepsTheOldCertificate() throws Exception {
    CertificateFixture.writeAtomically(
        serverCert,
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
    assertBadFileKeepsTheOldCertificateUntilAGoodPair(serverCert, 1);
  }

  @Test
  void garbageKeyFileKeepsTheOldCertificate() throws Exception {
    CertificateFixture.writeAtomically(
        serverKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertBadFileKeepsTheOldCertificateUntilAGoodPair(serverKey, 1);
  }

  @Test
  void validCertificateWithAMismatchedKeyKeepsTheOldCertificate() throws Exception {
    CertificateFixture.Issued rotated = serverLeaf("rotated");
    CertificateFixture.Issued other = serverLeaf("other");
    CertificateFixture.writeAtomically(
        serverCert, CertificateFixture.pem(List.of(rotated.certificate(), ca.certificate())));
    other.writeKey(serverKey);
    // Two writes: the watcher may also catch the new certificate with the old key (another error).
    assertBadFileKeepsTheOldCertificateUntilAGoodPair(serverKey, 2);
    assertThat(log.linesContaining(REJECTED)).anyMatch(line -> line.contains("does not match"));
  }

  @Test
  void aPairWrittenOneFileAtATimeIsAppliedOnlyWhenComplete() throws Exception {
    // Certificate first: the moment between the two writes is a mismatched pair.
    CertificateFixture.Issued second = serverLeaf("second");
    second.writeCertificateOnly(serverCert);
    awaitRejection(serverKey, 1);
    assertThat(serialOfNewHandshake()).isEqualTo(serial(original));
    second.writeKey(serverKey);
    await().atMost(WAIT).until(() -> serialOfNewHandshake().equals(serial(second)));

    // Key first: the same, the other way round.
    CertificateFixture.Issued third = serverLeaf("third");
    third.writeKey(serverKey);
    awaitRejection(serverKey, 2);
    assertThat(serialOfNewHandshake()).isEqualTo(serial(second));
    third.writeCertificateOnly(serverCert);
    await().atMost(WAIT).until(() -> serialOfNewHandshake().equals(serial(third)));
    assertThat(tlsReloads("applied")).isEqualTo(2);
    assertThat(tlsReloads("rejected")).isGreaterThanOrEqualTo(2);

    assertLoadUnharmed();
  }

  @Test
  void garbageClientCaFileKeepsTrustingTheOldCa() throws Exception {
    Path caFile = dir.resolve("ca.pem");
    CertificateFixture.writeAtomically(
        caFile,
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
    await()
        .atMost(WAIT)
        .until(() -> log.linesContaining(CA_REJECTED, caFile.toString()).size() >= 1);
    // New handshakes with the client certificate the old CA issued still pass the client check.
    for (int i = 0; i < 3; i++) {
      assertThat(serialOfNewHandshake())
          .as("new handshake %d after the bad CA file", i)
          .isEqualTo(serial(original));
    }
    assertThat(log.linesContaining(CA_REJECTED))
        .hasSize(1)
        .allMatch(line -> line.contains("ERROR"));
    assertThat(tlsReloads("rejected")).isEqualTo(1);

    // A good bundle (the old CA and a new one, as in a CA rotation) is applied.
    CertificateFixture next = CertificateFixture.newCa("Next Faults CA");
    CertificateFixture.writeAtomically(
        caFile, CertificateFixture.pem(List.of(ca.certificate(), next.certificate())));
    await()
        .atMost(WAIT)
        .until(
            () ->
                !log.linesContaining("TLS client CA reloaded from " + caFile + ": 2 certificate(s)")
                    .isEmpty());
    assertThat(serialOfNewHandshake()).isEqualTo(serial(original));
    assertLoadUnharmed();
  }

  private void assertBadFileKeepsTheOldCertificateUntilAGoodPair(Path badFile, int maxErrors)
      throws Exception {
    awaitRejection(badFile, 1);
    for (int i = 0; i < 3; i++) {
      assertThat(serialOfNewHandshake())
          .as("new handshake %d after the bad file", i)
          .isEqualTo(serial(original));
    }
    assertThat(log.linesContaining(REJECTED))
        .as("one error per bad version")
        .hasSizeBetween(1, maxErrors)
        .allMatch(line -> line.contains("ERROR"));
    assertThat(tlsReloads("rejected")).isBetween(1.0, (double) maxErrors);
    assertThat(tlsReloads("applied")).isZero();
    // A good pair, written one file after the other (the moment between may be logged too).
    CertificateFixture.Issued rotated = serverLeaf("rotated-good");
    rotated.writeChain(serverCert, serverKey);
    await().atMost(WAIT).until(() -> serialOfNewHandshake().equals(serial(rotated)));
    assertThat(tlsReloads("applied")).isEqualTo(1);
    assertLoadUnharmed();
  }

  /** {@code mesh_tls_reloads_total{result=...}} from the server's Prometheus endpoint. */
  private double tlsReloads(String result) {
    return Scrape.of(server.metricsPort().orElseThrow())
        .sum("mesh_tls_reloads_total", "result=\"" + result + "\"");
  }

  private void awaitRejection(Path file, int count) {
    await()
        .atMost(WAIT)
        .until(() -> log.linesContaining(REJECTED, file.toString()).size() >= count);
  }

  private void assertLoadUnharmed() throws InterruptedException {
    List<CallLoad.Call> calls = load.stop();
    Map<Status.Code, Long> summary =
        calls.stream()
            .collect(
                Collectors.groupingBy(CallLoad.Call::code, TreeMap::new, Collectors.counting()));
    assertThat(calls)
        .as("calls on the open connection: %s", summary)
        .hasSizeGreaterThan(20)
        .allMatch(c -> c.code() == Status.Code.OK);
    System.out.printf(
        "[fault figures] tls: %d calls on the open connection, %s; errors:%n  %s%n",
        calls.size(), summary, String.join("\n  ", log.linesContaining(REJECTED)));
  }

  private CertificateFixture.Issued serverLeaf(String commonName) {
    return ca.leaf(commonName).dns("localhost").ip("127.0.0.1").serverAuth().issue();
  }

  private ManagedChannel channel(RecordingTrustManager trust) throws Exception {
    ChannelCredentials credentials =
        TlsChannelCredentials.newBuilder()
            .trustManager(trust)
            .keyManager(clientCert.toFile(), clientKey.toFile())
            .build();
    return Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), credentials).build();
  }

  /** A new connection (a new handshake), one call on it; the serial of the certificate it saw. */
  private BigInteger serialOfNewHandshake() throws Exception {
    RecordingTrustManager trust = new RecordingTrustManager(ca.certificate());
    ManagedChannel fresh = channel(trust);
    try {
      call(fresh);
      return trust.last().getSerialNumber();
    } finally {
      fresh.shutdownNow();
    }
  }

  private static void call(ManagedChannel channel) {
    SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build());
  }

  private static BigInteger serial(CertificateFixture.Issued issued) {
    return issued.certificate().getSerialNumber();
  }
}
