package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.tls.PeerIdentity;
import io.grpc.Attributes;

/** Reads the verified mTLS peer identity of a call from its transport attributes. */
final class TransportIdentity {

  private TransportIdentity() {}

  /** The peer's SPIFFE ID or subject CN, or {@code null} without a verified client certificate. */
  static String of(Attributes attributes) {
    return PeerIdentity.of(attributes).orElse(null);
  }
}
