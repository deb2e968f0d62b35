package dev.datapunk.mesh.runtime.security;

import io.grpc.Context;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The verified caller of the current call: its transport identity (mTLS peer), its bearer token,
 * or both.
 *
 * <p>Service code reads it with {@link #current()} on the thread that runs the call. It is absent
 * on methods that need no token when the caller presented no client certificate either: nothing
 * about the caller was verified then. Nothing in it ever comes from a header the client could set
 * without proof.
 */
public final class MeshPrincipal {

  static final Context.Key<MeshPrincipal> CONTEXT_KEY = Context.key("dev.datapunk.mesh.principal");

  private final String transportIdentity;
  private final VerifiedToken token;
  private final SocketAddress remoteAddress;
  private final String verifiedKey;
  private final byte[] bearerHeader;

  MeshPrincipal(TransportIdentity transportIdentity, VerifiedToken token, SocketAddress remoteAddress) {
    this(transportIdentity, token, remoteAddress, null);
  }

  /**
   * @param bearerHeader the {@code authorization} header value {@code token} was verified from
   *     (the transport's array, never written), or {@code null} without a token
   */
  MeshPrincipal(TransportIdentity transportIdentity, VerifiedToken token, SocketAddress remoteAddress,
      byte[] bearerHeader) {
    this.transportIdentity = transportIdentity == null ? null : transportIdentity.name();
    this.token = token;
    this.remoteAddress = remoteAddress;
    this.verifiedKey = transportIdentity != null ? transportIdentity.key()
        : token != null ? token.subjectKey() : null;
    this.bearerHeader = bearerHeader;
  }

  /** The caller of the call running on this thread, if anything about it was verified. */
  public static Optional<MeshPrincipal> current() {
    return Optional.ofNullable(CONTEXT_KEY.get());
  }

  /** The caller of the call running on this thread, or {@code null}; allocation-free. */
  public static MeshPrincipal currentOrNull() {
    return CONTEXT_KEY.get();
  }

  /** The mTLS peer identity: its SPIFFE ID if it has one, else its certificate's subject CN. */
  public Optional<String> transportIdentity() {
    return Optional.ofNullable(transportIdentity);
  }

  /** The verified bearer token, on methods that need one. */
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

  /** The token's subject, if the call carried a verified token with one. */
  public Optional<String> subject() {
    return token == null || token.subject().isEmpty() ? Optional.empty() : Optional.of(token.subject());
  }

  /** The token's scopes; empty without a token. */
  public Set<String> scopes() {
    return token == null ? Set.of() : token.scopes();
  }

  /** The token's claims; empty without a token. */
  public Map<String, Object> claims() {
    return token == null ? Map.of() : token.claims();
  }

  /** The address the call came from, as the transport saw it. */
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * The verified name of the caller: the transport identity, else the token subject, else
   * {@code null}. Rate limiting keys on it.
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
    return "MeshPrincipal{transportIdentity=" + transportIdentity
        + ", subject=" + (token == null ? null : token.subject())
        + ", scopes=" + scopes() + "}";
  }
}
