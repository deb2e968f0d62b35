package dev.datapunk.mesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedIdentitiesTest {

  @Test
  void emptyListAllowsEveryoneIncludingAnonymous() {
    AllowedIdentities all = AllowedIdentities.of(List.of());
    assertTrue(all.allowsAll());
    assertTrue(all.allows(null));
    assertTrue(all.allows("anything"));
  }

  @Test
  void exactEntriesMatchOnlyThemselves() {
    AllowedIdentities list = AllowedIdentities.of("spiffe://mesh.test/billing", "mesh-dev-client");
    assertTrue(list.allows("spiffe://mesh.test/billing"));
    assertTrue(list.allows("mesh-dev-client"));
    assertFalse(list.allows("spiffe://mesh.test/billing/x"));
    assertFalse(list.allows("spiffe://mesh.test/billin"));
    assertFalse(list.allows(null));
  }

  @Test
  void trailingWildcardMatchesEverythingBelowThePrefix() {
    AllowedIdentities list = AllowedIdentities.of("spiffe://mesh.test/*");
    assertTrue(list.allows("spiffe://mesh.test/billing"));
    assertTrue(list.allows("spiffe://mesh.test/ns/payments/sa/api"));
    assertFalse(list.allows("spiffe://mesh.test/"));
    assertFalse(list.allows("spiffe://mesh.test"));
    assertFalse(list.allows("spiffe://mesh.testing/billing"));
    assertFalse(list.allows("spiffe://other.test/billing"));
  }

  @Test
  void malformedEntriesAreRejectedByName() {
    for (String bad :
        List.of(
            "*",
            "spiffe://*/billing",
            "spiffe://mesh.test/bill*",
            "spiffe://mesh.test/*/x",
            " spiffe://mesh.test/a",
            "")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> AllowedIdentities.of(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void keepsTheEntriesAsGiven() {
    assertEquals(List.of("a", "spiffe://t/*"), AllowedIdentities.of("a", "spiffe://t/*").entries());
  }
}
