package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.bench.service.EchoMeshService;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.security.jwt.JwksFileSource;
import dev.datapunk.mesh.runtime.security.jwt.JwtSettings;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real development signing key (ES256) in a temporary directory, a token it signed with the echo
 * service's scope, and verifiers reading the key's JWKS file, as the server builds them.
 */
public final class DevJwt implements AutoCloseable {

  private final Path dir;
  private final DevSigningKey key;
  private final String token;

  private DevJwt(Path dir, DevSigningKey key, String token) {
    this.dir = dir;
    this.key = key;
    this.token = token;
  }

  /** Creates a key in a new temporary directory and mints a one-hour token for subject "bench". */
  public static DevJwt create() {
    try {
      Path dir = Files.createTempDirectory("mesh-bench-jwt");
      DevSigningKey key = DevSigningKey.ensure(dir);
      String token =
          DevTokens.mint(
              key,
              new DevTokenRequest(
                  "bench",
                  List.of(EchoMeshService.SCOPE),
                  Duration.ofHours(1),
                  Optional.empty(),
                  Optional.empty()));
      return new DevJwt(dir, key, token);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a development signing key: " + e.getMessage(), e);
    }
  }

  /** The signed token (compact JWS). */
  public String token() {
    return token;
  }

  /**
   * A verifier over the key's JWKS file with the default settings, but keeping at most {@code
   * cacheSize} verified tokens (0: every verification is a first verification).
   */
  public JwtTokenVerifier verifier(int cacheSize) {
    try {
      return new JwtTokenVerifier(
          JwksFileSource.open(key.jwksFile(), Duration.ofSeconds(1)),
          JwtSettings.defaults().withCacheSize(cacheSize));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + key.jwksFile() + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the temporary directory. */
  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
