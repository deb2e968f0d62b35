package dev.datapunk.mesh.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry itself: names, environment names, defaults, lookups. */
class ConfigKeysTest {

  @Test
  void environmentVariableNamesFollowTheRule() {
    assertEquals("MESH_SERVER_PORT", ConfigKeys.SERVER_PORT.environmentVariable());
    assertEquals(
        "MESH_SERVER_MAX_INBOUND_MESSAGE_SIZE",
        ConfigKeys.SERVER_MAX_INBOUND_MESSAGE_SIZE.environmentVariable());
    assertEquals("MESH_AUTH_JWT_CLOCK_SKEW", ConfigKeys.AUTH_JWT_CLOCK_SKEW.environmentVariable());
    assertEquals(Optional.of("MESH_METRICS_TAGS_"), ConfigKeys.METRICS_TAGS.environmentPrefix());
    assertEquals(Optional.empty(), ConfigKeys.RATELIMIT_OVERRIDE_RPS.environmentPrefix());
  }

  @Test
  void namesAndEnvironmentNamesAreUniqueAndLookedUp() {
    Set<String> names = new HashSet<>();
    Set<String> variables = new HashSet<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      assertTrue(names.add(key.name()), key.name());
      assertTrue(variables.add(key.environmentVariable()), key.environmentVariable());
      assertEquals(Optional.of(key), ConfigKeys.byName(key.name()));
      assertEquals(Optional.of(key), ConfigKeys.byEnvironmentVariable(key.environmentVariable()));
    }
    assertEquals(59, ConfigKeys.ALL.size());
    assertEquals(Optional.empty(), ConfigKeys.byName("server"));
  }

  @Test
  void everyDefaultParsesWithItsOwnParser() {
    var defaults = SettingResolver.defaults(new ParseContext(Path.of("/srv")));
    assertEquals(ConfigKeys.ALL.size(), defaults.size());
  }

  @Test
  void keyNamesAreValidated() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ConfigKey.of("Server.Port", ValueParsers.port(), "1", "x"));
    assertThrows(
        IllegalArgumentException.class, () -> ConfigKey.of("port", ValueParsers.port(), "1", "x"));
  }

  @Test
  void reloadableAndMaskingAreCarriedByCopies() {
    ConfigKey<Integer> plain = ConfigKey.of("a.b", ValueParsers.port(), "1", "x");
    assertFalse(plain.isReloadable());
    assertTrue(plain.reloadable().isReloadable());
    assertEquals("secret", plain.mask("secret"));
    assertEquals("***", plain.maskedBy(s -> "***").mask("secret"));
    assertTrue(ConfigKeys.RATELIMIT_OVERRIDE_RPS.isReloadable());
    assertEquals("redis://***@h", ConfigKeys.RATELIMIT_REDIS_URI.mask("redis://:pw@h"));
    assertEquals(
        "redis://***@a:7000, rediss://***@b:7000,redis://c:7000",
        ConfigKeys.RATELIMIT_REDIS_URI.mask(
            "redis://:pw@a:7000, rediss://u:pw2@b:7000,redis://c:7000"));
  }

  @Test
  void getRejectsAKeyNotInTheRegistry() {
    ConfigKey<Integer> stranger = ConfigKey.of("not.registered", ValueParsers.port(), "1", "x");
    assertThrows(IllegalArgumentException.class, () -> MeshConfig.defaults().get(stranger));
    assertEquals(50051, MeshConfig.defaults().get(ConfigKeys.SERVER_PORT));
  }

  @Test
  void suggestionsUseEditDistance() {
    assertEquals(1, KeySuggestions.editDistance("server.prot", "server.pot"));
    assertEquals(2, KeySuggestions.editDistance("server.prot", "server.port"));
    assertEquals(
        Optional.of("server.port"),
        KeySuggestions.closest("server.prot", Set.of("server.port", "server.host")));
    assertEquals(Optional.empty(), KeySuggestions.closest("totally.else", Set.of("server.port")));
  }
}
