package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.security.VerifiedToken;
import dev.datapunk.mesh.runtime.security.jwt.JwtSettings;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The authentication stage's token check through {@link JwtTokenVerifier}, on a real ES256 token
 * signed by the development key and a {@code JwksFileSource} over its JWKS: first verification (a
 * verifier with no cache, so every call parses, selects the key and checks the signature and
 * claims) against a cached verification (the keyed hash of the token and a lookup), given as text
 * and, as the authentication stage gives it, as the {@code authorization} header's bytes with the
 * token in place. Run with {@code -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TokenVerificationBenchmark {

  private DevJwt jwt;
  private String token;
  private byte[] header;
  private JwtTokenVerifier uncached;
  private JwtTokenVerifier cached;

  /** Creates the key, the token and both verifiers; the cached one has seen the token once. */
  @Setup
  public void start() throws TokenRejectedException {
    jwt = DevJwt.create();
    token = jwt.token();
    header = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
    uncached = jwt.verifier(0);
    cached = jwt.verifier(JwtSettings.DEFAULT_CACHE_SIZE);
    cached.verify(token);
  }

  /** Deletes the key. */
  @TearDown
  public void stop() {
    jwt.close();
  }

  /** A token this verifier has not seen (cache miss): full ES256 verification. */
  @Benchmark
  public VerifiedToken firstVerification() throws TokenRejectedException {
    return uncached.verify(token);
  }

  /** A token verified before and not expired: answered from the cache. */
  @Benchmark
  public VerifiedToken cachedVerification() throws TokenRejectedException {
    return cached.verify(token);
  }

  /**
   * The same cached token read from the header's bytes in place, as the authentication stage does,
   * in the same array each time, as grpc-netty hands it for a header the connection's HPACK table
   * repeats: answered by the verifier's header-array memo, without hashing the token.
   */
  @Benchmark
  public VerifiedToken cachedVerificationFromHeaderBytes() throws TokenRejectedException {
    return cached.verifyAscii(header, 7, header.length);
  }
}
