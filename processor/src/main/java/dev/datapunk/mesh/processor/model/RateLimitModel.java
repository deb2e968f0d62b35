package dev.datapunk.mesh.processor.model;

/**
 * A validated {@code @RateLimit}.
 *
 * @param rps calls per second per client
 * @param burst bucket size
 */
public record RateLimitModel(double rps, int burst) {

  /** E.g. {@code 50 rps, burst 100}. */
  public String describe() {
    return NumberText.of(rps) + " rps, burst " + burst;
  }
}
