package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.bench.service.EchoMeshService;
import dev.datapunk.mesh.bench.v1.EchoReply;
import dev.datapunk.mesh.bench.v1.EchoRequest;
import dev.datapunk.mesh.bench.v1.EchoServiceGrpc;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One unary call through grpc-java's in-process transport (direct executors on both sides, so the
 * whole call runs on the benchmark thread): bare {@code bindService()} against each mesh stage
 * alone and the whole chain, untraced and traced (every call sampled, its span queued to a batch
 * processor whose exporter drops it: {@link DiscardingTracing}). Every variant's client sends the
 * same bearer token, a real ES256 JWT that the verifier has cached. Run with {@code -prof gc}: the
 * differences to {@link ChainVariant#BARE} in ns/op and B/op are what each stage costs per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CallChainBenchmark {

  /** What wraps the service. */
  @Param({
    "BARE",
    "METRICS",
    "AUTHENTICATION",
    "SECURITY",
    "RATE_LIMIT",
    "MESH",
    "TRACING",
    "MESH_TRACED"
  })
  public ChainVariant chain;

  private DevJwt jwt;
  private LocalRateLimiterBackend limiter;
  private DiscardingTracing tracing;
  private Server server;
  private ManagedChannel channel;
  private Channel authorized;
  private EchoRequest request;

  /** Starts the in-process server for the variant and a channel sending the token. */
  @Setup
  public void start() throws IOException {
    jwt = DevJwt.create();
    limiter =
        Limits.meshBackend(new AcceleratedClock(), LocalRateLimiterBackend.DEFAULT_MAX_CLIENTS);
    tracing = new DiscardingTracing();
    ChainVariant.Engines engines =
        new ChainVariant.Engines(
            new SimpleMeterRegistry(), jwt.verifier(10_000), limiter, tracing.stage());
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(chain.definition(new EchoMeshService(), engines))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + jwt.token());
    authorized =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    request = EchoRequest.getDefaultInstance();
    call(); // verifies (and caches) the token, fails fast if the chain rejects
  }

  /** Stops the server, the channel, the limiter and the tracing SDK, and deletes the key. */
  @TearDown
  public void stop() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.awaitTermination(5, TimeUnit.SECONDS);
    limiter.close();
    tracing.close();
    jwt.close();
  }

  /** One complete unary call. */
  @Benchmark
  public EchoReply call() {
    return ClientCalls.blockingUnaryCall(
        authorized, EchoServiceGrpc.getEchoMethod(), CallOptions.DEFAULT, request);
  }
}
