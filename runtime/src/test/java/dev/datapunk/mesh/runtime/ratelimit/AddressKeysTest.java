package dev.datapunk.mesh.runtime.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** Address keys remembered per address object: always the key the address would get anew. */
class AddressKeysTest {

  private static InetSocketAddress address(String ip, int port) throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void theSameAddressObjectGetsTheSameKeyInstance() throws UnknownHostException {
    ClientKeys.AddressKeys keys = new ClientKeys.AddressKeys(64);
    InetSocketAddress connection = address("10.1.2.3", 40000);
    String first = keys.of(connection);
    assertEquals("ip:10.1.2.3", first);
    assertSame(first, keys.of(connection));
  }

  @Test
  void anotherConnectionFromTheSameHostSharesTheKeyButNotThePort() throws UnknownHostException {
    ClientKeys.AddressKeys keys = new ClientKeys.AddressKeys(64);
    assertEquals(keys.of(address("10.1.2.3", 40000)), keys.of(address("10.1.2.3", 40001)));
    assertEquals("ip:0:0:0:0:0:0:0:1", keys.of(address("::1", 1)));
  }

  @Test
  void aSlotTakenByAnotherAddressNeverAnswersForIt() throws UnknownHostException {
    ClientKeys.AddressKeys keys = new ClientKeys.AddressKeys(1); // every address shares one slot
    InetSocketAddress a = address("10.0.0.1", 1);
    InetSocketAddress b = address("10.0.0.2", 1);
    for (int i = 0; i < 3; i++) {
      assertEquals("ip:10.0.0.1", keys.of(a));
      assertEquals("ip:10.0.0.2", keys.of(b));
    }
  }

  @Test
  void keysMatchTheUncachedRule() throws UnknownHostException {
    ClientKeys.AddressKeys keys = new ClientKeys.AddressKeys(8);
    InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.invalid", 1);
    assertEquals(ClientKeys.addressKey(unresolved), keys.of(unresolved));
    assertEquals("addr:null", keys.of(null));
    assertThrows(IllegalArgumentException.class, () -> new ClientKeys.AddressKeys(3));
  }
}
