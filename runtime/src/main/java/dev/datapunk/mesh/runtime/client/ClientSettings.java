package dev.datapunk.mesh.runtime.client;

import dev.datapunk.mesh.runtime.tls.TlsMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One mesh service this process calls, as {@link MeshChannels} reaches it: the settings of {@code
 * client.<name>.*}.
 *
 * @param name the free part of the keys, e.g. {@code inventory}
 * @param target {@code client.<name>.target}: {@code host:port} or a gRPC target URI
 * @param tlsMode {@code client.<name>.tls-mode}: mtls (default), tls or plaintext
 * @param serverIdentity {@code client.<name>.server-identity}: the SPIFFE ID or common name the
 *     server's certificate must prove; empty checks the target's host name instead
 * @param deadline {@code client.<name>.deadline}: the deadline of calls that have none of their own
 *     and are not made inside a call that has one; empty means none
 * @param token {@code client.<name>.token}: which bearer token calls carry
 * @param tokenFile {@code client.<name>.token-file}: the service token's file, with {@link
 *     TokenMode#SERVICE} only
 * @param retry {@code client.<name>.retry.*}
 */
public record ClientSettings(
    String name,
    String target,
    TlsMode tlsMode,
    Optional<String> serverIdentity,
    Optional<Duration> deadline,
    TokenMode token,
    Optional<Path> tokenFile,
    Retry retry) {

  /** The default of {@code client.<name>.deadline}. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  /** Which bearer token a client's calls carry ({@code client.<name>.token}). */
  public enum TokenMode {
    /** The verified token of the server call the client call is made in, if it had one. */
    FORWARD,
    /** The token in {@code client.<name>.token-file}, re-read when the file changes. */
    SERVICE,
    /** No token (the default). */
    NONE
  }

  /**
   * When a call is tried again.
   *
   * @param maxAttempts {@code client.<name>.retry.max-attempts}: attempts in all, the first one
   *     included; 1 never retries
   * @param maxDelay {@code client.<name>.retry.max-delay}: the longest wait before another attempt;
   *     a server asking for a longer one is not retried
   */
  public record Retry(int maxAttempts, Duration maxDelay) {

    /** Three attempts, waiting at most two seconds between two of them. */
    public static final Retry DEFAULT = new Retry(3, Duration.ofSeconds(2));

    public Retry {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "max attempts must be at least 1 (was " + maxAttempts + ")");
      }
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException(
            "max retry delay must not be negative (was " + maxDelay + ")");
      }
    }
  }

  public ClientSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(tlsMode, "tlsMode");
    Objects.requireNonNull(serverIdentity, "serverIdentity");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(retry, "retry");
    if ((token == TokenMode.SERVICE) != tokenFile.isPresent()) {
      throw new IllegalArgumentException(
          "client." + name + ": a token file goes with token mode service, and only" + " with it");
    }
    if (tlsMode == TlsMode.PLAINTEXT && serverIdentity.isPresent()) {
      throw new IllegalArgumentException(
          "client." + name + ": without TLS the server proves no identity");
    }
  }
}
