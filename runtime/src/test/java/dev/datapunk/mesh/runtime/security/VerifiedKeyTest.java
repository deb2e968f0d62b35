package dev.datapunk.mesh.runtime.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rate-limit key a principal carries: built once per verified token, never per call. */
class VerifiedKeyTest {

  private static VerifiedToken token(String subject) {
    return new VerifiedToken(
        subject, Set.of("a"), Instant.parse("2030-01-01T00:00:00Z"), Map.of("sub", subject));
  }

  @Test
  void aTokenSubjectIsKeyedWithItsPrefix() {
    assertEquals("sub:alice", new MeshPrincipal(null, token("alice"), null).verifiedKey());
  }

  @Test
  void callsWithTheSameVerifiedTokenShareOneKeyInstance() {
    VerifiedToken token = token("alice");
    assertSame(
        new MeshPrincipal(null, token, null).verifiedKey(),
        new MeshPrincipal(null, token, null).verifiedKey());
  }

  @Test
  void withoutSubjectOrIdentityThereIsNoVerifiedKey() {
    assertNull(new MeshPrincipal(null, token(""), null).verifiedKey());
    assertNull(new MeshPrincipal(null, null, null).verifiedKey());
  }

  @Test
  void theKeyIsNotPartOfTokenEquality() {
    assertEquals(token("bob"), token("bob"));
    assertEquals(token("bob").hashCode(), token("bob").hashCode());
  }
}
