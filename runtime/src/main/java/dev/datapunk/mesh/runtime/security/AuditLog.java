package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The audit log: one line per security decision on the SLF4J logger {@value #LOGGER_NAME}, at INFO.
 * Denials are always written; allowed calls only while {@link #auditAllowed()} ({@code
 * auth.audit.allowed}), which can be switched at run time.
 *
 * <p>A line is {@code key=value} pairs in a fixed order:
 *
 * <pre>
 * time=2026-11-24T10:15:30.123Z method=pkg.Service/Method peer=spiffe://mesh.prod/billing subject=alice decision=permission_denied reason=missing_scope
 * </pre>
 *
 * <ul>
 *   <li>{@code time}: ISO-8601 UTC instant of the decision;
 *   <li>{@code method}: the full gRPC method name;
 *   <li>{@code peer}: the verified mTLS peer identity, {@code -} without one;
 *   <li>{@code subject}: the subject of the verified token, {@code -} when no token was verified
 *       (the claims of a rejected token are never trusted, so never written);
 *   <li>{@code decision}: {@code allowed}, {@code unauthenticated} or {@code permission_denied};
 *   <li>{@code reason}: an {@link AuthDecisionReason} code, e.g. {@code expired}, {@code
 *       missing_scope}, {@code identity_not_allowed}, {@code ok}.
 * </ul>
 *
 * <p>A value holding anything but letters, digits and {@code . _ : / @ + * = -} (or being exactly
 * {@code -}) is written in double quotes with {@code "}, {@code \} and control characters escaped,
 * so a certificate name cannot forge fields or lines. The token, key material and request headers
 * are never written.
 */
public final class AuditLog implements AuthDecisionListener.Factory {

  /** The SLF4J logger name of the audit log. */
  public static final String LOGGER_NAME = "datapunk.mesh.audit";

  private static final String ABSENT = "-";

  private final Clock clock;
  private final Consumer<String> sink;
  private volatile boolean auditAllowed;

  /** Writes to the SLF4J logger {@value #LOGGER_NAME}. */
  public static AuditLog toSlf4j(boolean auditAllowed) {
    Logger logger = MeshLoggers.getLogger(LOGGER_NAME);
    return new AuditLog(Clock.systemUTC(), logger::info, auditAllowed);
  }

  /** Writes each line to {@code sink}, timed by {@code clock} (for tests). */
  AuditLog(Clock clock, Consumer<String> sink, boolean auditAllowed) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.auditAllowed = auditAllowed;
  }

  /** Whether allowed calls are written too ({@code auth.audit.allowed}). */
  public boolean auditAllowed() {
    return auditAllowed;
  }

  /** Writes allowed calls too, or stops writing them, from the next decision on. */
  public void setAuditAllowed(boolean audit) {
    this.auditAllowed = audit;
  }

  @Override
  public AuthDecisionListener forMethod(String fullMethodName) {
    String method = value(Objects.requireNonNull(fullMethodName, "fullMethodName"));
    return (reason, peerIdentity, subject) -> {
      if (reason == AuthDecisionReason.OK && !auditAllowed) {
        return;
      }
      sink.accept(line(method, reason, peerIdentity, subject));
    };
  }

  private String line(
      String method, AuthDecisionReason reason, String peerIdentity, String subject) {
    return "time="
        + clock.instant()
        + " method="
        + method
        + " peer="
        + value(peerIdentity)
        + " subject="
        + value(subject)
        + " decision="
        + reason.decision().code()
        + " reason="
        + reason.code();
  }

  /** {@code -} for null, the text itself when it is plain, else a quoted, escaped string. */
  static String value(String text) {
    if (text == null) {
      return ABSENT;
    }
    if (isPlain(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 8).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20
              || c == 0x7f
              || Character.isISOControl(c)
              || c == '\u2028'
              || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static boolean isPlain(String text) {
    if (text.isEmpty() || text.equals(ABSENT)) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '/'
              || c == '@'
              || c == '+'
              || c == '*'
              || c == '='
              || c == '-';
      if (!plain) {
        return false;
      }
    }
    return true;
  }
}
