package dev.datapunk.mesh.runtime.security;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Why a call was allowed or refused: a small fixed set, safe as a log field and a metric tag. The
 * names of the {@link AuthDecision#UNAUTHENTICATED} reasons are those of {@link
 * TokenRejectedException.Reason}, so either maps to the other by name.
 */
public enum AuthDecisionReason {
  /** Every check passed. */
  OK(AuthDecision.ALLOWED),
  /** No bearer token (or another scheme, e.g. Basic). */
  MISSING(AuthDecision.UNAUTHENTICATED),
  /** Not a well-formed bearer token, or more than one {@code authorization} header. */
  MALFORMED(AuthDecision.UNAUTHENTICATED),
  /** Token longer than accepted. */
  TOO_LARGE(AuthDecision.UNAUTHENTICATED),
  /** Signature algorithm not accepted. */
  ALGORITHM_NOT_ALLOWED(AuthDecision.UNAUTHENTICATED),
  /** Signed by a key the server does not know. */
  UNKNOWN_KEY(AuthDecision.UNAUTHENTICATED),
  /** Signature does not verify. */
  BAD_SIGNATURE(AuthDecision.UNAUTHENTICATED),
  /** Past its expiry. */
  EXPIRED(AuthDecision.UNAUTHENTICATED),
  /** Before its not-before time. */
  NOT_YET_VALID(AuthDecision.UNAUTHENTICATED),
  /** Issuer not accepted. */
  WRONG_ISSUER(AuthDecision.UNAUTHENTICATED),
  /** Audience not accepted. */
  WRONG_AUDIENCE(AuthDecision.UNAUTHENTICATED),
  /** The signing keys could not be loaded. */
  KEYS_UNAVAILABLE(AuthDecision.UNAUTHENTICATED),
  /** A valid token without a required scope. */
  MISSING_SCOPE(AuthDecision.PERMISSION_DENIED),
  /** The mTLS peer identity is not in {@code tls.allowed-identities}. */
  IDENTITY_NOT_ALLOWED(AuthDecision.PERMISSION_DENIED);

  private static final Map<TokenRejectedException.Reason, AuthDecisionReason> BY_TOKEN_REASON =
      byTokenReason();

  private final AuthDecision decision;
  private final String code;

  AuthDecisionReason(AuthDecision decision) {
    this.decision = decision;
    this.code = name().toLowerCase(Locale.ROOT);
  }

  /** The decision this reason belongs to. */
  public AuthDecision decision() {
    return decision;
  }

  /** The lower-case name, e.g. {@code bad_signature}. */
  public String code() {
    return code;
  }

  /** The reason for a rejected token; a table lookup, no allocation. */
  public static AuthDecisionReason of(TokenRejectedException.Reason reason) {
    return BY_TOKEN_REASON.get(reason);
  }

  private static Map<TokenRejectedException.Reason, AuthDecisionReason> byTokenReason() {
    Map<TokenRejectedException.Reason, AuthDecisionReason> table =
        new EnumMap<>(TokenRejectedException.Reason.class);
    for (TokenRejectedException.Reason reason : TokenRejectedException.Reason.values()) {
      table.put(reason, valueOf(reason.name()));
    }
    return table;
  }
}
