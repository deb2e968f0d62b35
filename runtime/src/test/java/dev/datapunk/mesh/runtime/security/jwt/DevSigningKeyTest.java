package dev.datapunk.mesh.runtime.security.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevSigningKeyTest {

  @TempDir Path dir;

  @Test
  void createsAPrivateKeyReadableOnlyByTheOwnerAndAPublicJwks() throws Exception {
    Path devDir = dir.resolve(".mesh/dev");
    DevSigningKey key = DevSigningKey.ensure(devDir);

    assertTrue(key.created());
    assertEquals(devDir.resolve("jwt-signing-key.json"), key.keyFile());
    assertEquals(devDir.resolve("jwks.json"), key.jwksFile());
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.keyFile())));
    assertEquals(Curve.P_256, key.signingKey().getCurve());
    assertTrue(key.signingKey().isPrivate());
    assertEquals(key.signingKey().computeThumbprint().toString(), key.keyId());

    JWKSet jwks = JWKSet.parse(Files.readString(key.jwksFile()));
    assertEquals(1, jwks.size());
    assertFalse(jwks.containsNonPublicKeys());
    assertEquals(key.keyId(), jwks.getKeys().get(0).getKeyID());
    assertFalse(Files.readString(key.jwksFile()).contains("\"d\""));
    try (var files = Files.list(devDir)) {
      assertEquals(
          List.of(".jwt-signing-key.lock", "jwks.json", "jwt-signing-key.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void laterCallsReuseTheKeyAndRepairTheJwks() throws Exception {
    DevSigningKey created = DevSigningKey.ensure(dir);
    Files.delete(created.jwksFile());

    DevSigningKey reused = DevSigningKey.ensure(dir);

    assertFalse(reused.created());
    assertEquals(created.signingKey(), reused.signingKey());
    assertEquals(
        reused.keyId(),
        JWKSet.parse(Files.readString(reused.jwksFile())).getKeys().get(0).getKeyID());
  }

  @Test
  void corruptKeyFileFailsNamingIt() throws Exception {
    Files.writeString(dir.resolve(DevSigningKey.KEY_FILE_NAME), "{\"kty\":\"oct\",\"k\":\"AAAA\"}");
    IOException e = assertThrows(IOException.class, () -> DevSigningKey.ensure(dir));
    assertTrue(e.getMessage().contains(DevSigningKey.KEY_FILE_NAME), e.getMessage());
    assertFalse(e.getMessage().contains("AAAA"));
  }
}
