package dev.datapunk.mesh.processor.model;

import java.util.Locale;
import java.util.Set;

/** Java constant names derived from method names. */
final class ConstantNames {

  private ConstantNames() {}

  /** {@code getItem} -> {@code GET_ITEM}; {@code getHTTPStatus} -> {@code GET_HTTP_STATUS}. */
  static String of(String camelCase) {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < camelCase.length(); i++) {
      char c = camelCase.charAt(i);
      if (i > 0 && Character.isUpperCase(c)) {
        char previous = camelCase.charAt(i - 1);
        boolean nextIsLower =
            i + 1 < camelCase.length() && Character.isLowerCase(camelCase.charAt(i + 1));
        if (Character.isLowerCase(previous)
            || Character.isDigit(previous)
            || (Character.isUpperCase(previous) && nextIsLower)) {
          name.append('_');
        }
      }
      name.append(c);
    }
    return name.toString().toUpperCase(Locale.ROOT);
  }

  /**
   * {@code candidate}, or {@code candidate_2}, {@code _3}, ... whichever is not in {@code taken}.
   */
  static String unique(String candidate, Set<String> taken) {
    String name = candidate;
    for (int n = 2; taken.contains(name); n++) {
      name = candidate + "_" + n;
    }
    return name;
  }
}
