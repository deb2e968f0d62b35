package dev.datapunk.mesh.sample.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.tls.ClientTls;
import dev.datapunk.mesh.sample.MeshMain;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.compression}, {@code tls.mode}, {@code health.enabled} and {@code
 * reflection.enabled} take effect.
 */
class ServerOptionsTest {

  private static final Metadata.Key<String> GRPC_ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

  @Test
  void gzipCompressionCompressesResponses(@TempDir Path dir) throws Exception {
    try (RunningServer server =
        RunningServer.start(dir, MeshMain.module(), "--server.compression=gzip")) {
      assertThat(responseEncoding(server.mtlsChannel())).isEqualTo("gzip");
    }
  }

  @Test
  void responsesAreUncompressedByDefault(@TempDir Path dir) throws Exception {
    try (RunningServer server = RunningServer.start(dir, MeshMain.module())) {
      assertThat(responseEncoding(server.mtlsChannel())).isIn(null, "identity");
    }
  }

  @Test
  void tlsModeServesClientsWithoutCertificates(@TempDir Path dir) throws Exception {
    try (RunningServer server = RunningServer.start(dir, MeshMain.module(), "--tls.mode=tls")) {
      ManagedChannel channel =
          server.channel(ClientTls.trusting(server.devDir().resolve("ca.pem")));
      assertThat(
              InventoryServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .ping(PingRequest.newBuilder().setMessage("x").build())
                  .getCaller())
          .isEqualTo("anonymous");
    }
  }

  @Test
  void plaintextOnlyWhenAskedAndHealthAndReflectionCanBeTurnedOff(@TempDir Path dir)
      throws Exception {
    try (RunningServer server =
        RunningServer.start(
            dir,
            MeshMain.module(),
            "--tls.mode=plaintext",
            "--health.enabled=false",
            "--reflection.enabled=false")) {
      ManagedChannel channel = server.channel(InsecureChannelCredentials.create());
      assertThat(
              InventoryServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .ping(PingRequest.newBuilder().setMessage("x").build())
                  .getMessage())
          .isEqualTo("x");
      StatusRuntimeException health =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  HealthGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.getDefaultInstance()));
      assertThat(health.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    }
  }

  /** The {@code grpc-encoding} the server used for a Ping reply, or null for none. */
  private static String responseEncoding(ManagedChannel channel) {
    AtomicReference<String> encoding = new AtomicReference<>();
    ClientInterceptor recorder =
        new ClientInterceptor() {
          @Override
          public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
              MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
            return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
              @Override
              public void start(Listener<RespT> listener, Metadata headers) {
                super.start(
                    new SimpleForwardingClientCallListener<>(listener) {
                      @Override
                      public void onHeaders(Metadata headers) {
                        encoding.set(headers.get(GRPC_ENCODING));
                        super.onHeaders(headers);
                      }
                    },
                    headers);
              }
            };
          }
        };
    InventoryServiceGrpc.newBlockingStub(channel)
        .withInterceptors(recorder)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .ping(PingRequest.newBuilder().setMessage("compress me").build());
    return encoding.get();
  }
}
