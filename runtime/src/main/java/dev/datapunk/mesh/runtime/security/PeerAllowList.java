package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.tls.AllowedIdentities;
import dev.datapunk.mesh.runtime.tls.PeerIdentity;
import java.util.Objects;

/**
 * The {@code tls.allowed-identities} list in force for a whole server, replaceable at run time.
 *
 * <p>Each method gets its own {@link PeerAllowListInterceptor} from {@link
 * SecurityStages#identityAllowList}, all reading this one list, so {@link #update} applies to every
 * call that starts afterwards, on every method at once. A call whose {@link PeerIdentity} the list
 * does not allow ends with {@code PERMISSION_DENIED} ({@value #DENIED_DESCRIPTION}) before any
 * other stage or service code runs. The empty list allows every caller and costs a volatile read.
 */
public final class PeerAllowList {

  /** The status description sent to a denied client. */
  public static final String DENIED_DESCRIPTION = "client identity not allowed";

  private volatile AllowedIdentities allowed;

  /** Starts with {@code initial}. */
  public PeerAllowList(AllowedIdentities initial) {
    this.allowed = Objects.requireNonNull(initial, "initial");
  }

  /** Uses {@code next} for every call that starts from now on. */
  public void update(AllowedIdentities next) {
    this.allowed = Objects.requireNonNull(next, "next");
  }

  /** The list in force. */
  public AllowedIdentities current() {
    return allowed;
  }

  @Override
  public String toString() {
    return "PeerAllowList" + allowed;
  }
}
