package dev.datapunk.mesh.runtime.security;

import io.grpc.Context;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The verified caller of the current call: its transport identity (mTLS peer), its bearer token, or
 * both.
 *
 * <p>Service code reads it with {@link #current()} on the thread that runs the call:
 *
 * <pre>{@code
 * String caller = MeshPrincipal.current().map(MeshPrincipal::verifiedName).orElse("anonymous");
 * }</pre>
 *
 * <p>What it holds depends on the method and the transport:
 *
 * <ul>
 *   <li>{@code @Secured} methods: always present, with the verified token ({@link #subject()},
 *       {@link #scopes()}, {@link #claims()}) and, under mTLS, the {@link #transportIdentity()};
 *   <li>{@code @Public} and open methods: present under mTLS with the transport identity only (the
 *       {@code authorization} header of such a call is never read, so there is no subject, scope or
 *       claim); absent without a client certificate ({@code tls.mode} {@code tls} or {@code
 *       plaintext}): nothing about the caller was verified then.
 * </ul>
 *
 * <p>{@link #verifiedName()} is the one name to show or key on: the transport identity when there
 * is one, else the token's subject. Nothing in a principal ever comes from a header the client
 * could set without proof: the transport identity comes from a certificate the handshake verified,
 * the subject, scopes and claims from a token whose signature was checked.
 */
public final class MeshPrincipal {

  static final Context.Key<MeshPrincipal> CONTEXT_KEY = Context.key("dev.datapunk.mesh.principal");

  private final String transportIdentity;
  private final VerifiedToken token;
  private final SocketAddress remoteAddress;
  private final String verifiedKey;
  private final byte[] bearerHeader;

  MeshPrincipal(
      TransportIdentity transportIdentity, VerifiedToken token, SocketAddress remoteAddress) {
    this(transportIdentity, token, remoteAddress, null);
  }

  /**
   * @param bearerHeader the {@code authorization} header value {@code token} was verified from (the
   *     transport's array, never written), or {@code null} without a token
   */
  MeshPrincipal(
      TransportIdentity transportIdentity,
      VerifiedToken token,
      SocketAddress remoteAddress,
      byte[] bearerHeader) {
    this.transportIdentity = transportIdentity == null ? null : transportIdentity.name();
    this.token = token;
    this.remoteAddress = remoteAddress;
    this.verifiedKey =
        transportIdentity != null
            ? transportIdentity.key()
            : token != null ? token.subjectKey() : null;
    this.bearerHeader = bearerHeader;
  }

  /**
   * The caller of the call running on this thread, if anything about it was verified; empty on
   * other threads (a task handed to another executor carries it only with {@code
   * io.grpc.Context.current().wrap(...)}).
   */
  public static Optional<MeshPrincipal> current() {
    return Optional.ofNullable(CONTEXT_KEY.get());
  }

  /** The caller of the call running on this thread, or {@code null}; allocation-free. */
  public static MeshPrincipal currentOrNull() {
    return CONTEXT_KEY.get();
  }

  /**
   * The mTLS peer identity: the first {@code spiffe://} URI subject alternative name of the client
   * certificate, else its subject CN; empty without a verified client certificate.
   */
  public Optional<String> transportIdentity() {
    return Optional.ofNullable(transportIdentity);
  }

  /** The verified bearer token; present exactly on {@code @Secured} methods. */
  public Optional<VerifiedToken> token() {
    return Optional.ofNullable(token);
  }

  /** The transport identity or {@code null}; allocation-free, for the stages. */
  String transportIdentityOrNull() {
    return transportIdentity;
  }

  /** The verified token's subject, or {@code null} without a token or subject; allocation-free. */
  String subjectOrNull() {
    return token == null || token.subject().isEmpty() ? null : token.subject();
  }

  /**
   * The token's {@code sub} claim, if the call carried a verified token with a non-empty one
   * ({@code @Secured} methods only).
   */
  public Optional<String> subject() {
    return token == null || token.subject().isEmpty()
        ? Optional.empty()
        : Optional.of(token.subject());
  }

  /**
   * Every scope the token grants (from its {@code scope} claim, else {@code scp}), not only the
   * ones the method requires; empty without a token.
   */
  public Set<String> scopes() {
    return token == null ? Set.of() : token.scopes();
  }

  /**
   * Every claim of the verified token by name, as parsed from its JSON payload; empty without a
   * token.
   */
  public Map<String, Object> claims() {
    return token == null ? Map.of() : token.claims();
  }

  /**
   * The address the call came from, as the transport saw it (the peer of the TCP connection, so a
   * proxy's address behind one); never from a header such as {@code x-forwarded-for}.
   */
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * The verified name of the caller: the mTLS {@linkplain #transportIdentity() transport identity}
   * when the caller presented a client certificate, even when its token names another subject; else
   * the token's {@linkplain #subject() subject}; else {@code null}. The certificate wins because it
   * identifies the connection's workload, while a token may be relayed on behalf of someone else.
   * Rate limiting keys on the same choice ({@link #verifiedKey()}).
   */
  public String verifiedName() {
    if (transportIdentity != null) {
      return transportIdentity;
    }
    return token == null || token.subject().isEmpty() ? null : token.subject();
  }

  /**
   * The {@link #verifiedName()} with a prefix naming its kind: {@code id:} and the transport
   * identity, else {@code sub:} and the token subject, else {@code null}. Rate limiting keys on it;
   * the prefix keeps a subject from ever sharing a key with a certificate identity of the same
   * spelling. Built once per TLS session or verified token, so reading it allocates nothing.
   */
  public String verifiedKey() {
    return verifiedKey;
  }

  /**
   * The bearer token {@link #token()} was verified from, as the caller sent it (without the {@code
   * Bearer} scheme), for passing on to another mesh service: {@code
   * dev.datapunk.mesh.runtime.client.MeshChannels} does so for clients configured with {@code
   * token: forward}. Present exactly when {@link #token()} is, so never on {@code @Public} methods,
   * whatever header the caller sent. A secret: never log it.
   */
  public Optional<String> bearerToken() {
    if (bearerHeader == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(AuthorizationHeader.token(bearerHeader));
    } catch (TokenRejectedException e) {
      throw new IllegalStateException("a verified bearer header carries no token", e);
    }
  }

  @Override
  public String toString() {
    return "MeshPrincipal{transportIdentity="
        + transportIdentity
        + ", subject="
        + (token == null ? null : token.subject())
        + ", scopes="
        + scopes()
        + "}";
  }
}
