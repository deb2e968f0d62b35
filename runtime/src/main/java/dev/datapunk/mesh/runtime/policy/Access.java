package dev.datapunk.mesh.runtime.policy;

/** Who may call a method, as resolved at compile time from {@code @Secured} and {@code @Public}. */
public enum Access {
  /** No {@code @Secured} applies: any caller the transport admits. */
  OPEN,
  /** {@code @Public} on the method removed a class-level {@code @Secured}. */
  PUBLIC,
  /** A bearer token with every required scope is needed. */
  SECURED
}
