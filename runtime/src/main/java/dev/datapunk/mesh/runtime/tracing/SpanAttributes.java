package dev.datapunk.mesh.runtime.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attributes the mesh's spans carry: those of OpenTelemetry's RPC semantic conventions
 * (v1.37.0, the {@code rpc.system}/{@code rpc.grpc.status_code} generation that instrumentations
 * emit by default) and the mesh's own, all under {@code mesh.}.
 *
 * <p>Every value is chosen by the server: a method name known at compile time, an enum constant, a
 * number, the transport's own addresses or an exception class. Nothing a client writes into a
 * header becomes an attribute; the verified identity and token subject do only with {@code
 * tracing.record-identity=true}. Tokens never do.
 */
public final class SpanAttributes {

  private SpanAttributes() {}

  /** Schema of the semantic conventions these spans follow. */
  public static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.37.0";

  /** {@code grpc}. */
  public static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");

  /** The full service name, e.g. {@code datapunk.inventory.v1.InventoryService}. */
  public static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");

  /** The method's own name, e.g. {@code GetItem}. */
  public static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");

  /** The numeric gRPC status code the call ended with. */
  public static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");

  /** The address of the server's end of the connection (never the client's {@code :authority}). */
  public static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");

  /** The port of the server's end of the connection. */
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

  /** The TCP peer's IP address (never {@code x-forwarded-for} or any other header). */
  public static final AttributeKey<String> NETWORK_PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");

  /** The TCP peer's port. */
  public static final AttributeKey<Long> NETWORK_PEER_PORT =
      AttributeKey.longKey("network.peer.port");

  /** {@code tcp}. */
  public static final AttributeKey<String> NETWORK_TRANSPORT =
      AttributeKey.stringKey("network.transport");

  /** {@code ipv4} or {@code ipv6}. */
  public static final AttributeKey<String> NETWORK_TYPE = AttributeKey.stringKey("network.type");

  /** The class of an exception, on the {@code exception} event. */
  public static final AttributeKey<String> EXCEPTION_TYPE =
      AttributeKey.stringKey("exception.type");

  /** The name of the gRPC status code the call ended with, e.g. {@code PERMISSION_DENIED}. */
  public static final AttributeKey<String> MESH_STATUS = AttributeKey.stringKey("mesh.status");

  /** {@code allowed}, {@code unauthenticated} or {@code permission_denied}. */
  public static final AttributeKey<String> MESH_AUTH_DECISION =
      AttributeKey.stringKey("mesh.auth.decision");

  /** The reason code of the security decision, e.g. {@code expired} or {@code missing_scope}. */
  public static final AttributeKey<String> MESH_AUTH_REASON =
      AttributeKey.stringKey("mesh.auth.reason");

  /** The verified mTLS peer identity; only with {@code tracing.record-identity=true}. */
  public static final AttributeKey<String> MESH_PEER_IDENTITY =
      AttributeKey.stringKey("mesh.peer.identity");

  /** The verified token's subject; only with {@code tracing.record-identity=true}. */
  public static final AttributeKey<String> MESH_AUTH_SUBJECT =
      AttributeKey.stringKey("mesh.auth.subject");

  /** {@code allowed} or {@code rejected}. */
  public static final AttributeKey<String> MESH_RATELIMIT_DECISION =
      AttributeKey.stringKey("mesh.ratelimit.decision");

  /** The retry delay a rate-limited call was told, in milliseconds. */
  public static final AttributeKey<Long> MESH_RATELIMIT_RETRY_AFTER_MS =
      AttributeKey.longKey("mesh.ratelimit.retry_after_ms");

  /** {@code admitted} or {@code rejected}, while the adaptive concurrency limit is on. */
  public static final AttributeKey<String> MESH_ADAPTIVE_DECISION =
      AttributeKey.stringKey("mesh.limits.adaptive.decision");

  /** The retry delay a call the adaptive limit refused was told, in milliseconds. */
  public static final AttributeKey<Long> MESH_ADAPTIVE_RETRY_AFTER_MS =
      AttributeKey.longKey("mesh.limits.adaptive.retry_after_ms");

  /**
   * The class of the exception that ended the call; the status is the one its handler mapped it to.
   */
  public static final AttributeKey<String> MESH_EXCEPTION_TYPE =
      AttributeKey.stringKey("mesh.exception.type");
}
