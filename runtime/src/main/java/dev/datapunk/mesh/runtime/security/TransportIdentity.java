package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.tls.PeerIdentity;
import io.grpc.Attributes;
import io.grpc.Grpc;
import javax.net.ssl.SSLSession;

/**
 * The verified mTLS peer identity of a call, read from its transport attributes, with its
 * rate-limit key ({@code id:} and the identity).
 *
 * <p>Both are built once per TLS session and cached on the session, so the calls of a connection
 * share one instance and cost a session lookup.
 */
final class TransportIdentity {

  /** The {@link SSLSession} value name under which the identity is cached. */
  static final String SESSION_VALUE_NAME = "dev.datapunk.mesh.transport-identity";

  private static final String KEY_PREFIX = "id:";

  private final String name;
  private final String key;

  private TransportIdentity(String name) {
    this.name = name;
    this.key = name == null ? null : KEY_PREFIX + name;
  }

  /** The peer's SPIFFE ID or subject CN, or {@code null} without a verified client certificate. */
  static String of(Attributes attributes) {
    TransportIdentity identity = ofCall(attributes);
    return identity == null ? null : identity.name;
  }

  /** The peer's identity, or {@code null} without a verified client certificate. */
  static TransportIdentity ofCall(Attributes attributes) {
    if (attributes == null) {
      return null;
    }
    SSLSession session = attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return null;
    }
    Object cached = session.getValue(SESSION_VALUE_NAME);
    TransportIdentity identity;
    if (cached instanceof TransportIdentity known) {
      identity = known;
    } else {
      identity = new TransportIdentity(PeerIdentity.of(session).orElse(null));
      session.putValue(SESSION_VALUE_NAME, identity);
    }
    return identity.name == null ? null : identity;
  }

  /** The SPIFFE ID or subject CN. */
  String name() {
    return name;
  }

  /** {@code id:} and the name: the rate-limit key of this peer. */
  String key() {
    return key;
  }
}
