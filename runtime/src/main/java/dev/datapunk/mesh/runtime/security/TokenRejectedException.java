package dev.datapunk.mesh.runtime.security;

/**
 * A bearer token failed verification. The {@link Reason} is a small fixed set, fit for a metric tag
 * and an audit line; the message is a few words for the client and never contains the token.
 *
 * <p>Stackless: rejections are an expected outcome on the call path, not a programming error.
 */
public final class TokenRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a token was rejected. */
  public enum Reason {
    MISSING("missing bearer token"),
    MALFORMED("malformed bearer token"),
    TOO_LARGE("bearer token too large"),
    ALGORITHM_NOT_ALLOWED("token algorithm not allowed"),
    UNKNOWN_KEY("token signed by an unknown key"),
    BAD_SIGNATURE("invalid token signature"),
    EXPIRED("token expired"),
    NOT_YET_VALID("token not yet valid"),
    WRONG_ISSUER("token issuer not accepted"),
    WRONG_AUDIENCE("token audience not accepted"),
    KEYS_UNAVAILABLE("token signing keys unavailable");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    /** A few words saying which rule failed, safe to send to the client. */
    public String description() {
      return description;
    }
  }

  private final Reason reason;

  public TokenRejectedException(Reason reason) {
    super(reason.description(), null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
