package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import io.grpc.Attributes;
import io.grpc.Grpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The rate-limit key of a call: the verified identity (mTLS peer, else token subject), else the
 * remote IP address. Headers the client sets are never read: a client cannot choose its bucket.
 *
 * <p>Keys carry a kind prefix ({@code id:}, {@code sub:}, {@code ip:}) so a token subject can never
 * share a bucket with an address or a certificate identity of the same spelling. The port is not
 * part of an address key: a new connection must not buy a fresh bucket.
 */
final class ClientKeys {

  private ClientKeys() {}

  static String of(Attributes transport) {
    MeshPrincipal principal = MeshPrincipal.currentOrNull();
    if (principal != null) {
      if (principal.transportIdentity().isPresent()) {
        return "id:" + principal.transportIdentity().get();
      }
      if (principal.subject().isPresent()) {
        return "sub:" + principal.subject().get();
      }
    }
    return addressKey(transport.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
  }

  static String addressKey(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return "ip:" + inet.getAddress().getHostAddress();
    }
    return "addr:" + address;
  }
}
