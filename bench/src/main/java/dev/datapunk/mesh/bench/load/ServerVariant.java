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
   * the echo method (metrics, JWT authentication with a cached token, scope check, rate limit
   * that never rejects), health and reflection, exactly as users run a mesh service.
   */
  MESH("mesh, every stage on", "dev.datapunk.mesh.bench.service.MeshMain"),
  /**
   * {@link #MESH} with the Redis rate limiter ({@code --ratelimit.backend=redis}); failure mode
   * {@code deny} and a 1 s timeout, so every admitted call was decided by Redis (a decision Redis
   * did not take shows as a failed call, never as a fast local one). Its Redis comes from {@link
   * #redisArgument}.
   */
  MESH_REDIS("mesh, Redis rate limiter", "dev.datapunk.mesh.bench.service.MeshMain");

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
      case MESH -> List.of("--server.host=127.0.0.1", "--server.port=" + port, "--metrics.port=0",
          "--tls.mode=" + transport.tlsMode());
      case MESH_REDIS -> List.of("--server.host=127.0.0.1", "--server.port=" + port, "--metrics.port=0",
          "--tls.mode=" + transport.tlsMode(), "--ratelimit.backend=redis", "--ratelimit.redis.failure-mode=deny",
          "--ratelimit.redis.timeout=1s");
    };
  }

  /** Whether the server needs a Redis: then add {@link #redisArgument} to its arguments. */
  public boolean needsRedis() {
    return this == MESH_REDIS;
  }

  /** The argument that points a {@link #MESH_REDIS} server at the Redis at {@code uri}. */
  public static String redisArgument(URI uri) {
    return "--ratelimit.redis.uri=" + uri;
  }
}
