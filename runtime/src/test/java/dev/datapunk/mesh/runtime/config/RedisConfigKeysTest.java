package dev.datapunk.mesh.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.ratelimit.redis.RedisFailureMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The redis backend's keys: defaults, every layer, and errors that name the key. */
class RedisConfigKeysTest {

  @TempDir Path dir;

  @Test
  void defaults() {
    MeshConfig config = MeshConfig.defaults();
    assertThat(config.redis().prefix()).isEqualTo("mesh:rl:");
    assertThat(config.redis().timeout()).isEqualTo(Duration.ofMillis(20));
    assertThat(config.redis().failureMode()).isEqualTo(RedisFailureMode.LOCAL);
    assertThat(config.redis().breakerFailures()).isEqualTo(5);
    assertThat(config.redis().breakerCoolDown()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void setFromEnvironmentAndCommandLine() {
    MeshConfig config =
        ConfigLoader.load(
                new String[] {
                  "--ratelimit.redis.failure-mode=deny",
                  "--ratelimit.redis.prefix=inventory:rl:",
                  "--ratelimit.redis.breaker.cool-down=250ms"
                },
                Map.of(
                    "MESH_RATELIMIT_REDIS_TIMEOUT",
                    "5ms",
                    "MESH_RATELIMIT_REDIS_BREAKER_FAILURES",
                    "3"),
                dir)
            .config();
    assertThat(config.redis().failureMode()).isEqualTo(RedisFailureMode.DENY);
    assertThat(config.redis().prefix()).isEqualTo("inventory:rl:");
    assertThat(config.redis().timeout()).isEqualTo(Duration.ofMillis(5));
    assertThat(config.redis().breakerFailures()).isEqualTo(3);
    assertThat(config.redis().breakerCoolDown()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void badValuesNameTheKey() {
    assertThat(failure("--ratelimit.redis.failure-mode=panic"))
        .contains("ratelimit.redis.failure-mode", "one of local, deny, allow", "panic");
    assertThat(failure("--ratelimit.redis.prefix=a{b}"))
        .contains("ratelimit.redis.prefix", "without spaces, { or }", "a{b}");
    assertThat(failure("--ratelimit.redis.prefix=has space")).contains("ratelimit.redis.prefix");
    assertThat(failure("--ratelimit.redis.timeout=0ms"))
        .contains("ratelimit.redis.timeout", "at least 1ms");
    assertThat(failure("--ratelimit.redis.breaker.failures=0"))
        .contains("ratelimit.redis.breaker.failures");
  }

  private String failure(String... args) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(args, Map.of(), dir))
        .getMessage();
  }
}
