package dev.datapunk.mesh.runtime.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.BadRequest;
import dev.datapunk.mesh.runtime.LoopbackPorts;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.reliability.Scrape;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exception handlers on a real server (Netty on loopback, started as the generated bootstrap starts
 * it): the client sees the mapped status, and the Prometheus endpoint records that same status, for
 * unary, server-, client- and bidi-streaming calls, for thrown exceptions and exceptions passed to
 * {@code onError}; an unmapped exception stays UNKNOWN "application error", its stack trace only in
 * the log.
 */
class ExceptionMappingTest {

  private static final String DURATION = "grpc_server_processing_duration_seconds_count";

  @TempDir static Path dir;
  private static MeshServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    MeshModule module =
        MeshModule.builder()
            .binding(FailingService.binding(FailingService.openPolicies()))
            .exceptionHandlers(FailingService.globalHandlers())
            .build();
    server =
        MeshApplication.start(
            new String[] {
              "--server.host=127.0.0.1",
              "--server.port=0",
              "--tls.mode=plaintext",
              "--metrics.port=" + LoopbackPorts.free()
            },
            module,
            Map.of(),
            dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void aThrownExceptionEndsTheUnaryCallWithTheServicesStatusAndIsRecordedSo() {
    double before = recorded("UnaryRpc", "NOT_FOUND");
    Status status = unaryFails("missing");
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("no such item");
    assertThat(recorded("UnaryRpc", "NOT_FOUND")).isEqualTo(before + 1);
  }

  @Test
  void anExceptionPassedToOnErrorIsMappedToo() {
    double before = recorded("UnaryRpc", "NOT_FOUND");
    Status status = unaryFails("missing-on-error");
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("no such item");
    assertThat(recorded("UnaryRpc", "NOT_FOUND")).isEqualTo(before + 1);
  }

  @Test
  void theMostSpecificHandlerWinsAcrossScopesAndTheServicesOwnOnATie() {
    // ExpiredException extends MissingException: the global handler of the subtype beats the
    // service's of the supertype.
    Status expired = unaryFails("expired");
    assertThat(expired.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(expired.getDescription()).isEqualTo("item expired");
    // Both scopes handle ConflictException: the service's own (ABORTED, with its trailer) wins.
    StatusRuntimeException conflict =
        assertThrows(StatusRuntimeException.class, () -> unary("conflict"));
    assertThat(conflict.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(conflict.getStatus().getDescription()).isEqualTo("conflicting write");
    assertThat(conflict.getTrailers().get(FailingService.CONFLICT_ID)).isEqualTo("c-42");
  }

  @Test
  void aRichStatusSendsItsDetails() throws Exception {
    double before = recorded("UnaryRpc", "INVALID_ARGUMENT");
    StatusRuntimeException invalid =
        assertThrows(StatusRuntimeException.class, () -> unary("invalid"));
    assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(invalid.getStatus().getDescription()).isEqualTo("invalid request");
    com.google.rpc.Status details = StatusProto.fromThrowable(invalid);
    BadRequest badRequest = details.getDetails(0).unpack(BadRequest.class);
    assertThat(badRequest.getFieldViolations(0).getField()).isEqualTo("quantity");
    assertThat(badRequest.getFieldViolations(0).getDescription())
        .isEqualTo("quantity must be >= 0");
    assertThat(recorded("UnaryRpc", "INVALID_ARGUMENT")).isEqualTo(before + 1);
  }

  @Test
  void anUnmappedExceptionStaysUnknownWithItsStackTraceOnlyInTheLog() {
    double before = recorded("UnaryRpc", "UNKNOWN");
    Status status;
    try (StderrCapture log = StderrCapture.start()) {
      status = unaryFails("secret");
      assertThat(log.linesContaining("UnaryRpc failed with an uncaught exception")).hasSize(1);
      assertThat(log.text())
          .contains("java.lang.IllegalStateException: secret detail of the database")
          .contains("\tat dev.datapunk.mesh.runtime.errors.FailingService.unaryRpc");
    }
    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(status.getDescription()).isEqualTo(ExceptionMapper.APPLICATION_ERROR);
    assertThat(recorded("UnaryRpc", "UNKNOWN")).isEqualTo(before + 1);
  }

  @Test
  void aHandlerThatThrowsOrAnswersOkEndsTheCallUnknown() {
    try (StderrCapture log = StderrCapture.start()) {
      Status broken = unaryFails("broken-handler");
      assertThat(broken.getCode()).isEqualTo(Status.Code.UNKNOWN);
      assertThat(broken.getDescription()).isEqualTo(ExceptionMapper.APPLICATION_ERROR);
      assertThat(log.linesContaining("the exception handler for", "BrokenHandlerException threw"))
          .hasSize(1);

      Status ok = unaryFails("ok-handler");
      assertThat(ok.getCode()).isEqualTo(Status.Code.UNKNOWN);
      assertThat(log.linesContaining("OkException returned OK")).hasSize(1);
    }
  }

  @Test
  void statusExceptionsKeepGrpcJavasMeaning() {
    // Passed to onError: the status chosen. Thrown: an exception like any other, UNKNOWN without a
    // handler.
    assertThat(unaryFails("status-on-error").getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    Status thrown = unaryFails("status-thrown");
    assertThat(thrown.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(thrown.getDescription()).isEqualTo(ExceptionMapper.APPLICATION_ERROR);
  }

  @Test
  void serverStreamingEndsWithTheMappedStatusAfterItsFirstReply() {
    double before = recorded("ServerStreamingRpc", "NOT_FOUND");
    Iterator<SimpleResponse> replies =
        SimpleServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverStreamingRpc(SimpleRequest.getDefaultInstance());
    assertThat(replies.next().getResponseMessage()).isEqualTo("first");
    StatusRuntimeException failed = assertThrows(StatusRuntimeException.class, replies::next);
    assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(recorded("ServerStreamingRpc", "NOT_FOUND")).isEqualTo(before + 1);
  }

  @Test
  void clientStreamingEndsWithTheMappedStatus() throws Exception {
    double before = recorded("ClientStreamingRpc", "NOT_FOUND");
    Outcome outcome = new Outcome();
    StreamObserver<SimpleRequest> requests =
        SimpleServiceGrpc.newStub(channel).clientStreamingRpc(outcome);
    requests.onNext(request("fine"));
    requests.onNext(request("missing"));
    Status status = outcome.status();
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("no such item");
    requests.onCompleted();
    assertThat(recorded("ClientStreamingRpc", "NOT_FOUND")).isEqualTo(before + 1);
  }

  @Test
  void bidiStreamingEndsWithTheMappedStatus() throws Exception {
    double before = recorded("BidiStreamingRpc", "NOT_FOUND");
    Outcome outcome = new Outcome();
    StreamObserver<SimpleRequest> requests =
        SimpleServiceGrpc.newStub(channel).bidiStreamingRpc(outcome);
    requests.onNext(request("echo"));
    requests.onNext(request("missing"));
    Status status = outcome.status();
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(outcome.replies).containsExactly("echo");
    requests.onCompleted();
    assertThat(recorded("BidiStreamingRpc", "NOT_FOUND")).isEqualTo(before + 1);
  }

  private static SimpleRequest request(String message) {
    return SimpleRequest.newBuilder().setRequestMessage(message).build();
  }

  private static SimpleResponse unary(String message) {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .unaryRpc(request(message));
  }

  private static Status unaryFails(String message) {
    return assertThrows(StatusRuntimeException.class, () -> unary(message)).getStatus();
  }

  /** The calls of {@code method} the Prometheus endpoint has recorded with {@code status}. */
  private static double recorded(String method, String status) {
    return Scrape.of(server.metricsPort().orElseThrow())
        .sum(DURATION, "method=\"" + method + "\"", "statusCode=\"" + status + "\"");
  }

  /** What a streaming call answered, and how it ended. */
  private static final class Outcome implements StreamObserver<SimpleResponse> {
    final List<String> replies = new ArrayList<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();

    @Override
    public void onNext(SimpleResponse value) {
      replies.add(value.getResponseMessage());
    }

    @Override
    public void onError(Throwable t) {
      ended.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended.complete(Status.OK);
    }

    Status status() throws Exception {
      return ended.get(10, TimeUnit.SECONDS);
    }
  }
}
