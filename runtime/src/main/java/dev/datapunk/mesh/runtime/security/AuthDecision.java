package dev.datapunk.mesh.runtime.security;

import java.util.Locale;

/** The outcome of the security checks of one call, as it appears in the audit log and metrics. */
public enum AuthDecision {
  /** Every check passed; the call goes on to the rate limiter and the service. */
  ALLOWED,
  /** No usable bearer token: the call ended with {@code UNAUTHENTICATED}. */
  UNAUTHENTICATED,
  /** A verified caller without the right: the call ended with {@code PERMISSION_DENIED}. */
  PERMISSION_DENIED;

  private final String code = name().toLowerCase(Locale.ROOT);

  /** The lower-case name, e.g. {@code permission_denied}. */
  public String code() {
    return code;
  }
}
