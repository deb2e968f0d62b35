package dev.datapunk.mesh.runtime.security.jwt;

import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.MALFORMED;

import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads scopes from a verified claim set and makes an unmodifiable copy of the claims. */
final class TokenClaims {

  private TokenClaims() {}

  /**
   * The granted scopes: the {@code scope} claim (a space-separated string) when present, else the
   * {@code scp} claim (an array of strings, or a space-separated string), else none. The two are
   * never merged.
   *
   * @throws TokenRejectedException MALFORMED when the claim present has another type
   */
  static Set<String> scopes(Map<String, Object> claims) throws TokenRejectedException {
    Object scope = claims.get("scope");
    if (scope != null) {
      if (scope instanceof String text) {
        return split(text);
      }
      throw new TokenRejectedException(MALFORMED);
    }
    Object scp = claims.get("scp");
    if (scp == null) {
      return Set.of();
    }
    if (scp instanceof String text) {
      return split(text);
    }
    if (scp instanceof List<?> list) {
      Set<String> scopes = new LinkedHashSet<>();
      for (Object element : list) {
        if (!(element instanceof String text) || text.isEmpty()) {
          throw new TokenRejectedException(MALFORMED);
        }
        scopes.add(text);
      }
      return scopes;
    }
    throw new TokenRejectedException(MALFORMED);
  }

  /**
   * A deep, unmodifiable copy of a JSON claim set; top-level claims whose value is JSON null are
   * left out.
   */
  static Map<String, Object> frozen(Map<String, Object> claims) {
    Map<String, Object> copy = new LinkedHashMap<>();
    claims.forEach(
        (name, value) -> {
          if (value != null) {
            copy.put(name, freeze(value));
          }
        });
    return copy;
  }

  private static Object freeze(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((key, element) -> copy.put(key, freeze(element)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object element : list) {
        copy.add(freeze(element));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  private static Set<String> split(String text) {
    Set<String> scopes = new LinkedHashSet<>();
    for (String part : text.split(" ", -1)) {
      if (!part.isEmpty()) {
        scopes.add(part);
      }
    }
    return scopes;
  }
}
