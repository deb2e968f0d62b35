package dev.datapunk.mesh.runtime.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names of {@code app.<name>} keys ({@link ConfigKeys#APP}): dot-separated words of lower-case
 * letters, digits and {@code -}, like the mesh's own keys ({@code app.db.pool-size}). From the
 * environment, {@code MESH_APP_<NAME>} sets {@code app.<name>} with NAME lower-cased, each {@code
 * __} read as {@code -} and each other {@code _} as {@code .}: {@code MESH_APP_DB_URL} sets {@code
 * app.db.url}, {@code MESH_APP_DB_POOL__SIZE} sets {@code app.db.pool-size}. A variable that maps
 * to no valid name (e.g. {@code MESH_APP__DB}, {@code app..db}) is an error naming it.
 */
final class AppKeyNames {

  /** What the part after {@code app.} must match. */
  static final Pattern SYNTAX = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

  /** {@link #SYNTAX} in words, for errors. */
  static final String EXPECTED =
      "dot-separated words of lower-case letters, digits and - (e.g. app.db.pool-size)";

  private AppKeyNames() {}

  /** {@code DB_POOL__SIZE} to {@code db.pool-size}. */
  static String ofVariableEnd(String variableEnd) {
    String lower = variableEnd.toLowerCase(Locale.ROOT);
    StringBuilder name = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (c != '_') {
        name.append(c);
      } else if (i + 1 < lower.length() && lower.charAt(i + 1) == '_') {
        name.append('-');
        i++;
      } else {
        name.append('.');
      }
    }
    return name.toString();
  }
}
