package dev.datapunk.mesh.processor.validation;

import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import dev.datapunk.mesh.processor.model.NumberText;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Checks the values of {@code @RateLimit} and {@code @Secured}: rps in (0, 1,000,000], burst in [1,
 * 1,000,000], and a non-empty list of distinct RFC 6749 scope tokens. Each problem is reported on
 * the offending value.
 */
public final class PolicyAnnotationValidator {

  /** Largest rps and burst; larger values are taken for typos. Mirrors the runtime's limit. */
  public static final int MAX_RATE = 1_000_000;

  /** Validates the {@code @RateLimit} {@code mirror} on {@code element}. */
  public ValidationReport validateRateLimit(Element element, AnnotationMirror mirror) {
    ValidationReport report = new ValidationReport();
    MeshAnnotations.value(mirror, "rps")
        .ifPresent(
            value -> {
              if (value.getValue() instanceof Number number) {
                double rps = number.doubleValue();
                if (!(rps > 0) || rps > MAX_RATE) {
                  report.onValue(
                      Message.RATE_LIMIT_RPS, element, mirror, value, NumberText.of(rps));
                }
              }
            });
    MeshAnnotations.value(mirror, "burst")
        .ifPresent(
            value -> {
              if (value.getValue() instanceof Number number) {
                int burst = number.intValue();
                if (burst < 1 || burst > MAX_RATE) {
                  report.onValue(Message.RATE_LIMIT_BURST, element, mirror, value, burst);
                }
              }
            });
    return report;
  }

  /** Validates the {@code @Secured} {@code mirror} on {@code element}. */
  public ValidationReport validateSecured(Element element, AnnotationMirror mirror) {
    ValidationReport report = new ValidationReport();
    MeshAnnotations.value(mirror, "scopes")
        .ifPresent(
            scopes -> {
              List<? extends AnnotationValue> entries = MeshAnnotations.arrayEntries(scopes);
              if (entries.isEmpty()) {
                report.onValue(Message.SECURED_NO_SCOPES, element, mirror, scopes);
              }
              Set<String> seen = new HashSet<>();
              for (AnnotationValue entry : entries) {
                if (!(entry.getValue() instanceof String scope)) {
                  continue; // an erroneous expression; javac reports it
                }
                if (scope.isBlank()) {
                  report.onValue(
                      Message.SECURED_BLANK_SCOPE, element, mirror, entry, escape(scope));
                  continue;
                }
                int bad = firstInvalidIndex(scope);
                if (bad >= 0) {
                  report.onValue(
                      Message.SECURED_SCOPE_SYNTAX,
                      element,
                      mirror,
                      entry,
                      escape(scope),
                      describe(scope.charAt(bad)),
                      bad);
                } else if (!seen.add(scope)) {
                  report.onValue(Message.SECURED_DUPLICATE_SCOPE, element, mirror, entry, scope);
                }
              }
            });
    return report;
  }

  /** RFC 6749 scope-token characters: %x21 / %x23-5B / %x5D-7E. */
  static boolean isScopeChar(char c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
  }

  private static int firstInvalidIndex(String scope) {
    for (int i = 0; i < scope.length(); i++) {
      if (!isScopeChar(scope.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static String describe(char c) {
    String code = String.format(Locale.ROOT, "U+%04X", (int) c);
    return c >= 0x20 && c < 0x7F ? "'" + c + "' (" + code + ")" : code;
  }

  /** The scope with control and non-ASCII characters as {@code \\uXXXX}, safe to print. */
  private static String escape(String scope) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < scope.length(); i++) {
      char c = scope.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        text.append(c);
      } else {
        text.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      }
    }
    return text.toString();
  }
}
