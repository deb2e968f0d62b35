package dev.datapunk.mesh.runtime.tls;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An allow list of client identities (see {@link PeerIdentity}). Immutable.
 *
 * <p>Each entry is either an exact identity ({@code spiffe://mesh.prod/billing}, {@code
 * mesh-dev-client}) or a prefix pattern whose last path segment is {@code *} ({@code
 * spiffe://mesh.prod/*}, {@code spiffe://mesh.prod/ns/payments/*}). A pattern matches every
 * identity that starts with the text before the {@code *} and has at least one more character, so
 * {@code spiffe://mesh.prod/*} admits the whole trust domain, including deeper paths. {@code *}
 * anywhere else is rejected, as is a lone {@code *} (an empty list already allows everyone).
 *
 * <p>The empty list allows every caller, including callers without an identity.
 */
public final class AllowedIdentities {

  private static final AllowedIdentities ALL =
      new AllowedIdentities(Set.of(), List.of(), List.of());

  private final Set<String> exact;
  private final List<String> prefixes;
  private final List<String> entries;

  private AllowedIdentities(Set<String> exact, List<String> prefixes, List<String> entries) {
    this.exact = exact;
    this.prefixes = prefixes;
    this.entries = entries;
  }

  /** The empty list: every caller is allowed. */
  public static AllowedIdentities allowAll() {
    return ALL;
  }

  /**
   * Parses allow-list entries.
   *
   * @throws IllegalArgumentException naming the first malformed entry
   */
  public static AllowedIdentities of(Collection<String> entries) {
    Set<String> exact = new LinkedHashSet<>();
    Set<String> prefixes = new LinkedHashSet<>();
    for (String entry : entries) {
      if (entry == null || entry.isBlank() || !entry.strip().equals(entry)) {
        throw new IllegalArgumentException(
            "allowed identity '" + entry + "' is empty or has surrounding whitespace");
      }
      int star = entry.indexOf('*');
      if (star < 0) {
        exact.add(entry);
      } else if (star == entry.length() - 1 && star > 0 && entry.charAt(star - 1) == '/') {
        prefixes.add(entry.substring(0, star));
      } else {
        throw new IllegalArgumentException(
            "allowed identity '"
                + entry
                + "' may use '*' only as"
                + " its whole last path segment, e.g. spiffe://trust-domain/*");
      }
    }
    if (exact.isEmpty() && prefixes.isEmpty()) {
      return ALL;
    }
    return new AllowedIdentities(
        Set.copyOf(exact), List.copyOf(prefixes), List.copyOf(new ArrayList<>(entries)));
  }

  /** Parses allow-list entries; see {@link #of(Collection)}. */
  public static AllowedIdentities of(String... entries) {
    return of(List.of(entries));
  }

  /** Whether this list allows every caller. */
  public boolean allowsAll() {
    return exact.isEmpty() && prefixes.isEmpty();
  }

  /**
   * Whether a caller with {@code identity} may call; {@code null} (no identity) is allowed only by
   * the empty list.
   */
  public boolean allows(String identity) {
    if (allowsAll()) {
      return true;
    }
    if (identity == null) {
      return false;
    }
    if (exact.contains(identity)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (identity.length() > prefix.length() && identity.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The entries as given. */
  public List<String> entries() {
    return entries;
  }

  @Override
  public String toString() {
    return allowsAll() ? "AllowedIdentities[all]" : "AllowedIdentities" + entries;
  }
}
