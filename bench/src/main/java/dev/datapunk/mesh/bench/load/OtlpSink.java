package dev.datapunk.mesh.bench.load;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/gRPC trace receiver on 127.0.0.1 for the traced server variants: it answers every {@code
 * opentelemetry.proto.collector.trace.v1.TraceService/Export} with an empty (valid) response and
 * only counts the requests, their bytes and the spans in them (walking the protobuf wire format
 * without building messages), so the traced server does all of its own export work (batching,
 * marshalling, sending) and the receiver adds little to the machine's load. It runs in the load
 * generator's JVM: the CPU it spends is never counted as the server's.
 */
final class OtlpSink implements AutoCloseable {

  /** Field numbers from a request down to its spans: resource_spans, scope_spans, spans. */
  private static final int[] SPANS_PATH = {1, 2, 2};

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private final Server server;

  private OtlpSink() throws IOException {
    MethodDescriptor<byte[], byte[]> export =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
            .setRequestMarshaller(RawBytes.MARSHALLER)
            .setResponseMarshaller(RawBytes.MARSHALLER)
            .build();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
            .addMethod(
                export,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      requests.incrementAndGet();
                      bytes.addAndGet(request.length);
                      spans.addAndGet(countSpans(request));
                      response.onNext(new byte[0]);
                      response.onCompleted();
                    }))
            .build();
    server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                InsecureServerCredentials.create())
            .addService(service)
            .directExecutor()
            .build()
            .start();
  }

  /** A receiver listening on a free loopback port. */
  static OtlpSink start() throws IOException {
    return new OtlpSink();
  }

  /** The {@code tracing.endpoint} of this receiver. */
  String endpoint() {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Export requests received so far. */
  long requests() {
    return requests.get();
  }

  /** Bytes of export requests received so far. */
  long bytes() {
    return bytes.get();
  }

  /** Spans in the export requests received so far. */
  long spans() {
    return spans.get();
  }

  /**
   * The spans in an {@code ExportTraceServiceRequest}: its {@code resource_spans} (field 1), their
   * {@code scope_spans} (field 2), their {@code spans} (field 2).
   */
  static long countSpans(byte[] request) {
    try {
      return count(CodedInputStream.newInstance(request), SPANS_PATH, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("not an ExportTraceServiceRequest", e);
    }
  }

  private static long count(CodedInputStream in, int[] path, int depth) throws IOException {
    long found = 0;
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (WireFormat.getTagFieldNumber(tag) != path[depth]
          || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        in.skipField(tag);
      } else if (depth == path.length - 1) {
        in.skipField(tag);
        found++;
      } else {
        int limit = in.pushLimit(in.readRawVarint32());
        found += count(in, path, depth + 1);
        in.popLimit(limit);
      }
    }
    return found;
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
