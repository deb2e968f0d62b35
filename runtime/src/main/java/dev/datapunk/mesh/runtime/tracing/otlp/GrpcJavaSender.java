package dev.datapunk.mesh.runtime.tracing.otlp;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Drainable;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.KnownLength;
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
import java.io.OutputStream;
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
  private static final List<String> RETRYABLE =
      List.of(
          "CANCELLED", "DEADLINE_EXCEEDED", "ABORTED", "OUT_OF_RANGE", "UNAVAILABLE", "DATA_LOSS");

  private final ManagedChannel channel;
  private final MethodDescriptor<Request, byte[]> method;
  private final Duration timeout;
  private final Supplier<Map<String, List<String>>> headers;
  private final String compression;

  private GrpcJavaSender(
      ManagedChannel channel,
      MethodDescriptor<Request, byte[]> method,
      Duration timeout,
      Supplier<Map<String, List<String>>> headers,
      String compression) {
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
    ChannelCredentials credentials =
        tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
    MethodDescriptor<Request, byte[]> method =
        MethodDescriptor.<Request, byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(config.getFullMethodName())
            .setRequestMarshaller(new RequestMarshaller())
            .setResponseMarshaller(new ResponseMarshaller())
            .build();
    var builder =
        Grpc.newChannelBuilderForAddress(endpoint.getHost(), port, credentials)
            .directExecutor()
            .maxInboundMessageSize(
                (int) Math.min(Integer.MAX_VALUE, config.getMaxResponseBodySize()));
    RetryPolicy retry = config.getRetryPolicy();
    if (retry == null) {
      builder.disableRetry();
    } else {
      builder.defaultServiceConfig(retryConfig(method.getServiceName(), retry)).enableRetry();
    }
    Compressor compressor = config.getCompressor();
    String compression = compressor == null ? null : compressor.getEncoding();
    return new GrpcJavaSender(
        builder.build(), method, config.getTimeout(), config.getHeadersSupplier(), compression);
  }

  /** A service config retrying the OTLP service's calls as {@code retry} says. */
  private static Map<String, Object> retryConfig(String service, RetryPolicy retry) {
    Map<String, Object> policy =
        Map.of(
            "maxAttempts", (double) retry.getMaxAttempts(),
            "initialBackoff", seconds(retry.getInitialBackoff()),
            "maxBackoff", seconds(retry.getMaxBackoff()),
            "backoffMultiplier", retry.getBackoffMultiplier(),
            "retryableStatusCodes", RETRYABLE);
    return Map.of(
        "methodConfig",
        List.of(Map.of("name", List.of(Map.of("service", service)), "retryPolicy", policy)));
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() / 1000.0 + "s";
  }

  @Override
  public void send(
      MessageWriter request, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
    CallOptions options =
        CallOptions.DEFAULT.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (compression != null) {
      options = options.withCompression(compression);
    }
    Metadata metadata = new Metadata();
    Map<String, List<String>> extra = headers.get();
    if (extra != null) {
      extra.forEach(
          (name, values) ->
              values.forEach(
                  value ->
                      metadata.put(
                          Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value)));
    }
    Request export = new Request(request);
    ClientCall<Request, byte[]> call = channel.newCall(method, options);
    try {
      call.start(new ResponseListener(export, onResponse), metadata);
    } catch (RuntimeException e) {
      export.close();
      onError.accept(e);
      return;
    }
    try {
      call.request(1);
      call.sendMessage(export);
      call.halfClose();
    } catch (RuntimeException e) {
      call.cancel("export failed", e); // the started call's listener reports the outcome, once
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

  /** Closes the request, then hands the exporter the call's status and the response bytes. */
  private static final class ResponseListener extends ClientCall.Listener<byte[]> {
    private final Request request;
    private final Consumer<GrpcResponse> onResponse;
    private volatile byte[] message = new byte[0];

    ResponseListener(Request request, Consumer<GrpcResponse> onResponse) {
      this.request = request;
      this.onResponse = onResponse;
    }

    @Override
    public void onMessage(byte[] received) {
      message = received;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      request.close();
      onResponse.accept(
          new Response(
              GrpcStatusCode.fromValue(status.getCode().value()),
              status.getDescription(),
              message));
    }
  }

  @SuppressWarnings(
      "ArrayRecordComponent") // never compared or hashed; hands the bytes to the exporter
  private record Response(GrpcStatusCode code, String description, byte[] message)
      implements GrpcResponse {
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

  /**
   * One export's request. The exporter reuses its marshalling buffers once the export has ended, so
   * the request is marshalled only while its call is open: {@link ResponseListener} closes it
   * before telling the exporter the outcome. A retried call marshals it once per attempt.
   */
  private static final class Request {
    private final MessageWriter writer;
    private boolean closed;

    Request(MessageWriter writer) {
      this.writer = writer;
    }

    int length() {
      return writer.getContentLength();
    }

    synchronized int writeTo(OutputStream target) throws IOException {
      if (closed) {
        throw new IOException("the export has ended");
      }
      writer.writeMessage(target);
      return writer.getContentLength();
    }

    synchronized void close() {
      closed = true;
    }
  }

  /** Streams a request to grpc-java, which drains it straight into its frame buffers. */
  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<Request> {
    @Override
    public InputStream stream(Request request) {
      return new RequestStream(request);
    }

    @Override
    public Request parse(InputStream stream) {
      throw new UnsupportedOperationException("the sender never receives requests");
    }
  }

  /**
   * One attempt's request as grpc-java reads it: {@link #drainTo} marshals it into the transport's
   * buffers, with no intermediate byte array, and its length is known up front so the framer
   * allocates once. {@link #read} (which grpc-java's framer does not use) marshals into a byte
   * array first.
   */
  private static final class RequestStream extends InputStream implements Drainable, KnownLength {
    private final Request request;
    private boolean consumed;
    private ByteArrayInputStream bytes;

    RequestStream(Request request) {
      this.request = request;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      if (bytes != null) {
        return (int) bytes.transferTo(target);
      }
      if (consumed) {
        return 0;
      }
      consumed = true;
      return request.writeTo(target);
    }

    @Override
    public int available() {
      return bytes != null ? bytes.available() : consumed ? 0 : request.length();
    }

    @Override
    public int read() throws IOException {
      return buffered().read();
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      return buffered().read(target, offset, length);
    }

    private ByteArrayInputStream buffered() throws IOException {
      if (bytes == null) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(available());
        drainTo(out);
        bytes = new ByteArrayInputStream(out.toByteArray());
      }
      return bytes;
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
