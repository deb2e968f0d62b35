package dev.datapunk.mesh.bench.load;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** Which server a load or start-up run starts, in its own JVM, always on 127.0.0.1. */
public enum ServerVariant {

  /** {@link BareEchoServer}: bare grpc-java, same service, executor and Netty settings. */
  BARE("bare grpc-java", "dev.datapunk.mesh.bench.load.BareEchoServer"),
  /**
   * The bench module's generated bootstrap {@code MeshMain}: the mesh server with every stage on
   * the echo method (metrics, JWT authentication with a cached token, scope check, rate limit that
   * never rejects), health and reflection, exactly as users run a mesh service.
   */
  MESH("mesh, every stage on", "dev.datapunk.mesh.bench.service.MeshMain"),
  /**
   * {@link #MESH} with the Redis rate limiter ({@code --ratelimit.backend=redis}); failure mode
   * {@code deny} and a 1 s timeout, so every admitted call was decided by Redis (a decision Redis
   * did not take shows as a failed call, never as a fast local one). Its Redis comes from {@link
   * #redisArgument}.
   */
  MESH_REDIS("mesh, Redis rate limiter", "dev.datapunk.mesh.bench.service.MeshMain"),
  /**
   * {@link #MESH} with tracing on ({@code --tracing.enabled=true}), every call sampled ({@code
   * tracing.sampling-ratio=1}): one SERVER span per call, batched and exported over OTLP/gRPC to
   * the receiver {@link #tracingArgument} names.
   */
  MESH_TRACED("mesh, tracing on (ratio 1, exported)", "dev.datapunk.mesh.bench.service.MeshMain"),
  /**
   * {@link #MESH} with tracing on and {@code tracing.sampling-ratio=0}: every span is made and made
   * current (so its context would propagate) but none is recorded or exported.
   */
  MESH_TRACED_UNSAMPLED("mesh, tracing on (ratio 0)", "dev.datapunk.mesh.bench.service.MeshMain");

  private final String label;
  private final String mainClass;

  ServerVariant(String label, String mainClass) {
    this.label = label;
    this.mainClass = mainClass;
  }

  /** A few words for tables. */
  public String label() {
    return label;
  }

  /** The class whose {@code main} starts the server. */
  public String mainClass() {
    return mainClass;
  }

  /**
   * The server's arguments to listen on 127.0.0.1:{@code port} with {@code transport}; a mesh
   * server started in {@code workingDir} uses {@code workingDir/.mesh/dev} (its default), which
   * must be {@code devDir}.
   */
  public List<String> arguments(int port, Transport transport, Path devDir) {
    return switch (this) {
      case BARE -> List.of(Integer.toString(port), transport.tlsMode(), devDir.toString());
      case MESH ->
          List.of(
              "--server.host=127.0.0.1",
              "--server.port=" + port,
              "--metrics.port=0",
              "--tls.mode=" + transport.tlsMode());
      case MESH_REDIS ->
          List.of(
              "--server.host=127.0.0.1",
              "--server.port=" + port,
              "--metrics.port=0",
              "--tls.mode=" + transport.tlsMode(),
              "--ratelimit.backend=redis",
              "--ratelimit.redis.failure-mode=deny",
              "--ratelimit.redis.timeout=1s");
      case MESH_TRACED ->
          List.of(
              "--server.host=127.0.0.1",
              "--server.port=" + port,
              "--metrics.port=0",
              "--tls.mode=" + transport.tlsMode(),
              "--tracing.enabled=true",
              "--tracing.sampling-ratio=1",
              "--tracing.service-name=bench");
      case MESH_TRACED_UNSAMPLED ->
          List.of(
              "--server.host=127.0.0.1",
              "--server.port=" + port,
              "--metrics.port=0",
              "--tls.mode=" + transport.tlsMode(),
              "--tracing.enabled=true",
              "--tracing.sampling-ratio=0",
              "--tracing.service-name=bench");
    };
  }

  /** Whether the server needs a Redis: then add {@link #redisArgument} to its arguments. */
  public boolean needsRedis() {
    return this == MESH_REDIS;
  }

  /** Whether the server exports spans: then add {@link #tracingArgument} to its arguments. */
  public boolean needsTraceReceiver() {
    return this == MESH_TRACED || this == MESH_TRACED_UNSAMPLED;
  }

  /** The argument that points a traced server at the OTLP/gRPC receiver at {@code endpoint}. */
  public static String tracingArgument(String endpoint) {
    return "--tracing.endpoint=" + endpoint;
  }

  /** The argument that points a {@link #MESH_REDIS} server at the Redis at {@code uri}. */
  public static String redisArgument(URI uri) {
    return "--ratelimit.redis.uri=" + uri;
  }
}
