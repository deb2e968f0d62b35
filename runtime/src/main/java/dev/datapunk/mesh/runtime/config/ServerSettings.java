package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_COMPRESSION;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_HOST;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_KEEPALIVE_TIME;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_KEEPALIVE_TIMEOUT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_CONNECTION_AGE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_CONNECTION_AGE_GRACE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_CONNECTION_IDLE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_INBOUND_MESSAGE_SIZE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_INBOUND_METADATA_SIZE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_PERMIT_KEEPALIVE_TIME;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_PORT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_SHUTDOWN_DELAY;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_SHUTDOWN_GRACE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_WORKER_THREADS;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The gRPC port, its connections and the server's shutdown ({@code server.*}).
 *
 * @param host {@code server.host}: the address the gRPC port binds to
 * @param port {@code server.port}: 0 to 65535; 0 picks a free port
 * @param maxInboundMessageSize {@code server.max-inbound-message-size} in bytes
 * @param maxInboundMetadataSize {@code server.max-inbound-metadata-size} in bytes
 * @param workerThreads {@code server.worker-threads}: at least 1
 * @param shutdownGrace {@code server.shutdown-grace}: how long calls in flight may finish
 * @param shutdownDelay {@code server.shutdown-delay}: NOT_SERVING but still accepting calls, before
 *     the port closes
 * @param keepAliveTime {@code server.keepalive-time}
 * @param keepAliveTimeout {@code server.keepalive-timeout}
 * @param permitKeepAliveTime {@code server.permit-keepalive-time}
 * @param maxConnectionIdle {@code server.max-connection-idle}; empty when off
 * @param maxConnectionAge {@code server.max-connection-age}; empty when off
 * @param maxConnectionAgeGrace {@code server.max-connection-age-grace}; empty when off (unlimited)
 * @param maxConcurrentCallsPerConnection {@code server.max-concurrent-calls-per-connection}; empty
 *     when unlimited
 * @param compression {@code server.compression}
 */
public record ServerSettings(
    String host,
    int port,
    int maxInboundMessageSize,
    int maxInboundMetadataSize,
    int workerThreads,
    Duration shutdownGrace,
    Duration shutdownDelay,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    Duration permitKeepAliveTime,
    Optional<Duration> maxConnectionIdle,
    Optional<Duration> maxConnectionAge,
    Optional<Duration> maxConnectionAgeGrace,
    OptionalInt maxConcurrentCallsPerConnection,
    Compression compression) {

  static ServerSettings of(MeshConfig config) {
    return new ServerSettings(
        config.get(SERVER_HOST),
        config.get(SERVER_PORT),
        Math.toIntExact(config.get(SERVER_MAX_INBOUND_MESSAGE_SIZE)),
        Math.toIntExact(config.get(SERVER_MAX_INBOUND_METADATA_SIZE)),
        config.get(SERVER_WORKER_THREADS),
        config.get(SERVER_SHUTDOWN_GRACE),
        config.get(SERVER_SHUTDOWN_DELAY),
        config.get(SERVER_KEEPALIVE_TIME),
        config.get(SERVER_KEEPALIVE_TIMEOUT),
        config.get(SERVER_PERMIT_KEEPALIVE_TIME),
        config.get(SERVER_MAX_CONNECTION_IDLE),
        config.get(SERVER_MAX_CONNECTION_AGE),
        config.get(SERVER_MAX_CONNECTION_AGE_GRACE),
        config.get(SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION),
        config.get(SERVER_COMPRESSION));
  }
}
