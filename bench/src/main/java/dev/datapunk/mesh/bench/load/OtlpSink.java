package dev.datapunk.mesh.bench.load;

import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/gRPC trace receiver on 127.0.0.1 for the traced server variants: it answers every {@code
 * opentelemetry.proto.collector.trace.v1.TraceService/Export} with an empty (valid) response and
 * only counts the requests and their bytes, so the traced server does all of its own export work
 * (batching, marshalling, sending) and the receiver adds next to nothing to the machine's load.
 */
final class OtlpSink implements AutoCloseable {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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
  };

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final Server server;

  private OtlpSink() throws IOException {
    MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
    ServerServiceDefinition service = ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
        .addMethod(export, ServerCalls.asyncUnaryCall((request, response) -> {
          requests.incrementAndGet();
          bytes.addAndGet(request.length);
          response.onNext(new byte[0]);
          response.onCompleted();
        }))
        .build();
    server = NettyServerBuilder
        .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), InsecureServerCredentials.create())
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

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
