package dev.datapunk.mesh.runtime.tracing.otlp;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends the OTLP exporter's requests over a grpc-java channel: plaintext for an {@code http://}
 * endpoint, TLS with the JDK's trusted CAs for {@code https://}. Each export is one unary call with
 * the exporter's timeout as deadline and its headers as metadata; the exporter's retry policy
 * becomes the channel's retry policy for the method (statuses OTLP calls retryable), so retries
 * back off as the policy says.
 */
final class GrpcJavaSender implements GrpcSender {

  /** The retryable statuses of the OTLP specification. */
  private static final List<String> RETRYABLE = List.of("CANCELLED", "DEADLINE_EXCEEDED", "ABORTED", "OUT_OF_RANGE",
      "UNAVAILABLE", "DATA_LOSS");

  private final ManagedChannel channel;
  private final MethodDescriptor<MessageWriter, byte[]> method;
  private final Duration timeout;
  private final Supplier<Map<String, List<String>>> headers;
  private final String compression;

  private GrpcJavaSender(ManagedChannel channel, MethodDescriptor<MessageWriter, byte[]> method, Duration timeout,
      Supplier<Map<String, List<String>>> headers, String compression) {
    this.channel = channel;
    this.method = method;
    this.timeout = timeout;
    this.headers = headers;
    this.compression = compression;
  }

  /** The provider the exporter is given (never found on the class path). */
  static GrpcSenderProvider provider() {
    return GrpcJavaSender::create;
  }

  static GrpcJavaSender create(GrpcSenderConfig config) {
    URI endpoint = config.getEndpoint();
    boolean tls = "https".equals(endpoint.getScheme());
    int port = endpoint.getPort() >= 0 ? endpoint.getPort() : tls ? 443 : 80;
    ChannelCredentials credentials = tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
    MethodDescriptor<MessageWriter, byte[]> method = MethodDescriptor.<MessageWriter, byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(config.getFullMethodName())
        .setRequestMarshaller(new RequestMarshaller())
        .setResponseMarshaller(new ResponseMarshaller())
        .build();
    var builder = Grpc.newChannelBuilderForAddress(endpoint.getHost(), port, credentials)
        .directExecutor()
        .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.getMaxResponseBodySize()));
    RetryPolicy retry = config.getRetryPolicy();
    if (retry == null) {
      builder.disableRetry();
    } else {
      builder.defaultServiceConfig(retryConfig(method.getServiceName(), retry)).enableRetry();
    }
    Compressor compressor = config.getCompressor();
    String compression = compressor == null ? null : compressor.getEncoding();
    return new GrpcJavaSender(builder.build(), method, config.getTimeout(), config.getHeadersSupplier(), compression);
  }

  /** A service config retrying the OTLP service's calls as {@code retry} says. */
  private static Map<String, Object> retryConfig(String service, RetryPolicy retry) {
    Map<String, Object> policy = Map.of(
        "maxAttempts", (double) retry.getMaxAttempts(),
        "initialBackoff", seconds(retry.getInitialBackoff()),
        "maxBackoff", seconds(retry.getMaxBackoff()),
        "backoffMultiplier", retry.getBackoffMultiplier(),
        "retryableStatusCodes", RETRYABLE);
    return Map.of("methodConfig", List.of(Map.of(
        "name", List.of(Map.of("service", service)),
        "retryPolicy", policy)));
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() / 1000.0 + "s";
  }

  @Override
  public void send(MessageWriter request, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (compression != null) {
      options = options.withCompression(compression);
    }
    Metadata metadata = new Metadata();
    Map<String, List<String>> extra = headers.get();
    if (extra != null) {
      extra.forEach((name, values) -> values.forEach(
          value -> metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value)));
    }
    ClientCall<MessageWriter, byte[]> call = channel.newCall(method, options);
    try {
      call.start(new ResponseListener(onResponse), metadata);
      call.request(1);
      call.sendMessage(request);
      call.halfClose();
    } catch (RuntimeException e) {
      call.cancel("export failed", e);
      onError.accept(e);
    }
  }

  @Override
  public CompletableResultCode shutdown() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.shutdownNow();
    }
    return CompletableResultCode.ofSuccess();
  }

  /** Hands the exporter the call's status and the response bytes. */
  private static final class ResponseListener extends ClientCall.Listener<byte[]> {
    private final Consumer<GrpcResponse> onResponse;
    private volatile byte[] message = new byte[0];

    ResponseListener(Consumer<GrpcResponse> onResponse) {
      this.onResponse = onResponse;
    }

    @Override
    public void onMessage(byte[] received) {
      message = received;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      onResponse.accept(new Response(GrpcStatusCode.fromValue(status.getCode().value()), status.getDescription(),
          message));
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // never compared or hashed; hands the bytes to the exporter
  private record Response(GrpcStatusCode code, String description, byte[] message) implements GrpcResponse {
    @Override
    public GrpcStatusCode getStatusCode() {
      return code;
    }

    @Override
    public String getStatusDescription() {
      return description;
    }

    @Override
    public byte[] getResponseMessage() {
      return message;
    }
  }

  /** Writes the exporter's already-marshalled request. */
  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<MessageWriter> {
    @Override
    public InputStream stream(MessageWriter writer) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(32, writer.getContentLength()));
      try {
        writer.writeMessage(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new ByteArrayInputStream(bytes.toByteArray());
    }

    @Override
    public MessageWriter parse(InputStream stream) {
      throw new UnsupportedOperationException("the sender never receives requests");
    }
  }

  /** Keeps the response as bytes; the exporter reads only its status. */
  private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<byte[]> {
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
