package dev.datapunk.mesh.processor.model;

/** Who may call a method; mirrors the runtime's {@code Access}. */
public enum Access {
  /** No {@code @Secured} applies. */
  OPEN,
  /** {@code @Public} on the method. */
  PUBLIC,
  /** A bearer token with every listed scope is needed. */
  SECURED
}
