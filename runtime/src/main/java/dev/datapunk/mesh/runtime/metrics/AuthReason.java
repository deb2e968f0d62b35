package dev.datapunk.mesh.runtime.metrics;

import java.util.Locale;

/**
 * The fixed set of {@code reason} tag values of {@code mesh.auth.decisions}, each belonging to one
 * {@code result}. The unauthenticated reasons carry the names of {@code
 * TokenRejectedException.Reason}, so an authentication stage maps one to the other by name.
 */
public enum AuthReason {
  /** Token valid and every required scope present. */
  OK(AuthReason.ALLOWED),
  /** No bearer token. */
  MISSING(AuthReason.UNAUTHENTICATED),
  /** Not a well-formed bearer token. */
  MALFORMED(AuthReason.UNAUTHENTICATED),
  /** Token longer than accepted. */
  TOO_LARGE(AuthReason.UNAUTHENTICATED),
  /** Signature algorithm not accepted. */
  ALGORITHM_NOT_ALLOWED(AuthReason.UNAUTHENTICATED),
  /** Signed by a key the server does not know. */
  UNKNOWN_KEY(AuthReason.UNAUTHENTICATED),
  /** Signature does not verify. */
  BAD_SIGNATURE(AuthReason.UNAUTHENTICATED),
  /** Past its expiry. */
  EXPIRED(AuthReason.UNAUTHENTICATED),
  /** Before its not-before time. */
  NOT_YET_VALID(AuthReason.UNAUTHENTICATED),
  /** Issuer not accepted. */
  WRONG_ISSUER(AuthReason.UNAUTHENTICATED),
  /** Audience not accepted. */
  WRONG_AUDIENCE(AuthReason.UNAUTHENTICATED),
  /** The signing keys could not be loaded. */
  KEYS_UNAVAILABLE(AuthReason.UNAUTHENTICATED),
  /** Valid token without a required scope. */
  MISSING_SCOPE(AuthReason.PERMISSION_DENIED),
  /** mTLS peer identity not in {@code tls.allowed-identities}. */
  IDENTITY_NOT_ALLOWED(AuthReason.PERMISSION_DENIED);

  static final String ALLOWED = "allowed";
  static final String UNAUTHENTICATED = "unauthenticated";
  static final String PERMISSION_DENIED = "permission_denied";

  private final String result;
  private final String tag;

  AuthReason(String result) {
    this.result = result;
    this.tag = name().toLowerCase(Locale.ROOT);
  }

  /**
   * The {@code result} tag: {@code allowed}, {@code unauthenticated} or {@code permission_denied}.
   */
  public String result() {
    return result;
  }

  /** The {@code reason} tag: the constant's name in lower case, e.g. {@code bad_signature}. */
  public String tag() {
    return tag;
  }
}
