package dev.datapunk.mesh.sample.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.tls.ClientTls;
import dev.datapunk.mesh.sample.MeshMain;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input on the real server (Netty, TLS, the sample's generated bindings): every bad request
 * gets a deliberate status with a short message or is dropped, and the server stays healthy and
 * answers the next good call. Random input comes from a fixed seed, in bounded counts.
 */
class HostileInputTest {

  private static final long SEED = 0x5EED_2026L;
  private static final int MAX_MESSAGE = 64 * 1024;
  private static final String PING = "datapunk.inventory.v1.InventoryService/Ping";

  /** A class name, a stack frame or an exception's name: nothing a client should see. */
  private static final Pattern INTERNALS =
      Pattern.compile(
          "(?i)exception|\\tat |\\bat"
              + " [a-z]+\\.|\\b(java|javax|io\\.grpc|io\\.netty|dev\\.datapunk|com\\.google)\\.[a-z]");

  @TempDir static Path dir;
  private static RunningServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void startServer() throws IOException {
    server =
        RunningServer.start(
            dir,
            MeshMain.module(),
            "--tls.mode=tls",
            "--server.max-inbound-message-size=" + MAX_MESSAGE,
            "--ratelimit.override." + PING + ".rps=1000000",
            "--ratelimit.override." + PING + ".burst=1000000");
    channel = server.channel(ClientTls.trusting(server.devDir().resolve("ca.pem")));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void serverStaysHealthyAndAnswersTheNextGoodCall() {
    await().atMost(Duration.ofSeconds(10)).until(() -> server.server().activeCalls() == 0);
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(
            InventoryServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .ping(PingRequest.newBuilder().setMessage("still here").build())
                .getMessage())
        .isEqualTo("still here");
  }

  @Test
  void randomBytesAsTheMessageAreRejectedOrParsed() {
    Random random = new Random(SEED);
    Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
    for (int i = 0; i < 300; i++) {
      byte[] body = new byte[random.nextInt(i < 100 ? 16 : 4096)];
      random.nextBytes(body);
      Status status = rawUnary(PING, body, new Metadata());
      assertDeliberate(status, Status.Code.OK, Status.Code.INVALID_ARGUMENT);
      seen.merge(status.getCode(), 1, Integer::sum);
    }
    System.out.println("random messages: " + seen);
    assertThat(seen).containsKey(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aMessageJustOverTheSizeLimitIsRefusedAndOneAtTheLimitServed() {
    byte[] atLimit = ping("x".repeat(MAX_MESSAGE - 4)).toByteArray();
    assertThat(atLimit).hasSize(MAX_MESSAGE);
    assertDeliberate(rawUnary(PING, atLimit, new Metadata()), Status.Code.OK);
    byte[] over = ping("x".repeat(MAX_MESSAGE - 3)).toByteArray();
    Status status = rawUnary(PING, over, new Metadata());
    assertDeliberate(status, Status.Code.RESOURCE_EXHAUSTED);
    System.out.println("message of " + over.length + " bytes: " + status);
  }

  @Test
  void aThousandMetadataEntriesAreRefusedOrDropped() throws Exception {
    List<String> headers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      headers.add("x-entry-" + i);
      headers.add("value-" + i);
    }
    String outcome = http2Ping(headers.toArray(String[]::new));
    System.out.println("1,000 metadata entries: " + outcome);
    assertThat(outcome)
        .doesNotStartWith("HTTP 200 grpc-status 0")
        .doesNotStartWith("HTTP 200 grpc-status (in trailers)");
  }

  @Test
  void aOneMebibyteMetadataValueIsRefusedOrDropped() throws Exception {
    String outcome = http2Ping("x-huge", "v".repeat(1 << 20));
    System.out.println("1 MiB metadata value: " + outcome);
    assertThat(outcome)
        .doesNotStartWith("HTTP 200 grpc-status 0")
        .doesNotStartWith("HTTP 200 grpc-status (in trailers)");
  }

  @Test
  void binaryHeadersWithInvalidBase64AreRefusedOrDropped() throws Exception {
    List<String> outcomes = new ArrayList<>();
    // Not "====" or "YQ": grpc-java reads padding alone as an empty value and accepts unpadded
    // base64.
    for (String value : List.of("!!!not-base64!!!", "a", "\u00ff\u00fe", "YWJj=ZGVm", "%%%%")) {
      String outcome = http2Ping("x-trace-bin", value);
      outcomes.add(value + " -> " + outcome);
      assertThat(outcome)
          .as("header %s", value)
          .doesNotStartWith("HTTP 200 grpc-status (in trailers)");
    }
    System.out.println("-bin headers with invalid base64: " + outcomes);
  }

  /**
   * A Ping sent with the JDK's HTTP/2 client, which sends what grpc-java's client refuses to (too
   * much metadata, invalid base64): "HTTP s grpc-status c message" for a trailers-only answer (the
   * message checked to be short and free of internals), "HTTP 200 grpc-status (in trailers)" for a
   * served call, "dropped" when the server reset the stream or the connection.
   */
  private static String http2Ping(String... headerPairs) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(trusting(server.devDir().resolve("ca.pem")))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/" + PING))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .POST(HttpRequest.BodyPublishers.ofByteArray(grpcFrame(ping("raw").toByteArray())));
    for (int i = 0; i < headerPairs.length; i += 2) {
      request.header(headerPairs[i], headerPairs[i + 1]);
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      String grpcStatus = response.headers().firstValue("grpc-status").orElse("(in trailers)");
      String message = response.headers().firstValue("grpc-message").orElse("");
      assertThat(message).hasSizeLessThan(200).doesNotContainPattern(INTERNALS);
      return "HTTP " + response.statusCode() + " grpc-status " + grpcStatus + " " + message;
    } catch (IOException e) {
      return "dropped (" + e.getClass().getSimpleName() + ")";
    }
  }

  @Test
  void unknownMethodsAreUnimplemented() {
    Random random = new Random(SEED);
    for (int i = 0; i < 200; i++) {
      String service =
          i % 2 == 0
              ? "datapunk.inventory.v1.InventoryService"
              : "no.such.Service" + random.nextInt(1000);
      String method = service + "/M" + Long.toHexString(random.nextLong());
      assertDeliberate(
          rawUnary(method, new byte[random.nextInt(32)], new Metadata()),
          Status.Code.UNIMPLEMENTED);
    }
  }

  @Test
  void callsCancelledAtRandomPointsLeaveNothingBehind() throws Exception {
    Random random = new Random(SEED);
    MethodDescriptor<byte[], byte[]> ping = rawMethod(PING);
    List<CompletableFuture<Status>> ended = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ClientCall<byte[], byte[]> call =
          channel.newCall(ping, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
      CompletableFuture<Status> status = new CompletableFuture<>();
      ended.add(status);
      call.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(Status s, Metadata trailers) {
              status.complete(s);
            }
          },
          new Metadata());
      call.request(1);
      int point = random.nextInt(4);
      if (point >= 1) {
        call.sendMessage(ping("cancel me " + i).toByteArray());
      }
      if (point >= 2) {
        call.halfClose();
      }
      if (point == 3) {
        Thread.sleep(random.nextInt(3));
      }
      call.cancel("client gave up", null);
    }
    Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
    for (CompletableFuture<Status> status : ended) {
      seen.merge(status.get(10, TimeUnit.SECONDS).getCode(), 1, Integer::sum);
    }
    System.out.println("cancelled calls: " + seen);
    assertThat(seen.keySet()).isSubsetOf(Status.Code.CANCELLED, Status.Code.OK);
  }

  @Test
  void connectionsThatNeverSendDoNotBlockOthers() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        idle.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
      }
      for (int i = 0; i < 20; i++) {
        assertThat(
                InventoryServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .ping(ping("between idle connections"))
                    .getMessage())
            .isEqualTo("between idle connections");
      }
      ManagedChannel fresh = server.channel(ClientTls.trusting(server.devDir().resolve("ca.pem")));
      assertThat(
              InventoryServiceGrpc.newBlockingStub(fresh)
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .ping(ping("new connection"))
                  .getMessage())
          .isEqualTo("new connection");
      fresh.shutdownNow();
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
  }

  private static PingRequest ping(String message) {
    return PingRequest.newBuilder().setMessage(message).build();
  }

  /** Sends {@code body} as the request message, byte for byte, and returns how the call ended. */
  private static Status rawUnary(String fullMethod, byte[] body, Metadata headers) {
    try {
      io.grpc.Channel withHeaders =
          io.grpc.ClientInterceptors.intercept(
              channel, io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
      io.grpc.stub.ClientCalls.blockingUnaryCall(
          withHeaders,
          rawMethod(fullMethod),
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
          body);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private static MethodDescriptor<byte[], byte[]> rawMethod(String fullMethod) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethod)
        .setRequestMarshaller(RawBytes.INSTANCE)
        .setResponseMarshaller(RawBytes.INSTANCE)
        .build();
  }

  private static void assertDeliberate(Status status, Status.Code... allowed) {
    assertThat(status.getCode()).as("%s", status).isIn((Object[]) allowed);
    if (status.getCode() != Status.Code.OK) {
      assertThat(status.getDescription())
          .as("%s", status)
          .isNotBlank()
          .hasSizeLessThan(200)
          .doesNotContainPattern(INTERNALS);
    }
  }

  private static byte[] grpcFrame(byte[] message) {
    byte[] frame = new byte[5 + message.length];
    frame[1] = (byte) (message.length >>> 24);
    frame[2] = (byte) (message.length >>> 16);
    frame[3] = (byte) (message.length >>> 8);
    frame[4] = (byte) message.length;
    System.arraycopy(message, 0, frame, 5, message.length);
    return frame;
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** The message as raw bytes, unparsed. */
  private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
