package dev.datapunk.mesh.processor.model;

import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * The mesh annotations written on one class or method, before resolution.
 *
 * @param scopes the scopes of {@code @Secured}, if present
 * @param publicAccess whether {@code @Public} is present
 * @param rateLimit the values of {@code @RateLimit}, if present
 */
public record DeclaredPolicy(
    Optional<List<String>> scopes, boolean publicAccess, Optional<RateLimitModel> rateLimit) {

  /** Nothing declared. */
  public static final DeclaredPolicy NONE =
      new DeclaredPolicy(Optional.empty(), false, Optional.empty());

  public DeclaredPolicy {
    scopes = scopes.map(List::copyOf);
  }

  /** Reads the (already validated) annotations of {@code element}. */
  public static DeclaredPolicy of(Element element) {
    Optional<List<String>> scopes =
        MeshAnnotations.SECURED
            .on(element)
            .map(
                mirror -> {
                  List<String> values = new ArrayList<>();
                  MeshAnnotations.value(mirror, "scopes")
                      .ifPresent(
                          v -> {
                            for (AnnotationValue entry : MeshAnnotations.arrayEntries(v)) {
                              values.add((String) entry.getValue());
                            }
                          });
                  return values;
                });
    Optional<RateLimitModel> rateLimit =
        MeshAnnotations.RATE_LIMIT
            .on(element)
            .map(
                mirror ->
                    new RateLimitModel(
                        ((Number) MeshAnnotations.value(mirror, "rps").orElseThrow().getValue())
                            .doubleValue(),
                        ((Number) MeshAnnotations.value(mirror, "burst").orElseThrow().getValue())
                            .intValue()));
    return new DeclaredPolicy(scopes, MeshAnnotations.PUBLIC.isOn(element), rateLimit);
  }
}
