package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import io.grpc.Attributes;
import io.grpc.Grpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The rate-limit key of a call: the verified identity (mTLS peer, else token subject), else the
 * remote IP address. Headers the client sets are never read: a client cannot choose its bucket.
 *
 * <p>Keys carry a kind prefix ({@code id:}, {@code sub:}, {@code ip:}) so a token subject can never
 * share a bucket with an address or a certificate identity of the same spelling. The port is not
 * part of an address key: a new connection must not buy a fresh bucket.
 *
 * <p>No key is built per call: the verified ones come ready-made from the {@link MeshPrincipal}
 * (built once per TLS session or verified token), and address keys are remembered per remote
 * address object (one per connection) in a small direct-mapped table, see {@link AddressKeys}.
 */
final class ClientKeys {

  private static final AddressKeys ADDRESS_KEYS = new AddressKeys(1024);

  private ClientKeys() {}

  static String of(Attributes transport) {
    MeshPrincipal principal = MeshPrincipal.currentOrNull();
    if (principal != null) {
      String verified = principal.verifiedKey();
      if (verified != null) {
        return verified;
      }
    }
    return ADDRESS_KEYS.of(transport.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
  }

  static String addressKey(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return "ip:" + inet.getAddress().getHostAddress();
    }
    return "addr:" + address;
  }

  /**
   * Address keys remembered by address object identity: the transport keeps one remote-address
   * object per connection, so the calls of a connection find their key without building it. A
   * socket address is an immutable value, so the key of one object never changes and a hit is
   * always right; a slot taken by another address is simply overwritten (a miss builds the key
   * again). Entries are immutable and published through an {@link AtomicReferenceArray}, so racing
   * threads at worst overwrite each other's entries. Holds at most {@code size} addresses.
   */
  static final class AddressKeys {

    private record Entry(SocketAddress address, String key) {}

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    /** A table of {@code size} slots, a power of two. */
    AddressKeys(int size) {
      if (size <= 0 || Integer.bitCount(size) != 1) {
        throw new IllegalArgumentException("size must be a power of two (was " + size + ")");
      }
      this.slots = new AtomicReferenceArray<>(size);
      this.mask = size - 1;
    }

    /** The key of {@code address}, built only when this object is not remembered. */
    String of(SocketAddress address) {
      if (address == null) {
        return addressKey(null);
      }
      int hash = System.identityHashCode(address);
      int slot = (hash ^ (hash >>> 16)) & mask;
      Entry entry = slots.get(slot);
      if (entry != null && entry.address() == address) {
        return entry.key();
      }
      String key = addressKey(address);
      slots.set(slot, new Entry(address, key));
      return key;
    }
  }
}
