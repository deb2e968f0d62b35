package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The start-up record of what each served mesh method demands: one INFO line per method, {@code
 * policy <full/Method>: <policy>}, the policy in the words of the generated binding's Javadoc
 * ({@link MethodPolicy#describeWith}) with the rate limit in force at start, so a {@code
 * ratelimit.override.*} shows, followed by what the annotation said:
 *
 * <pre>
 * policy datapunk.inventory.v1.InventoryService/Ping: public; 50 rps, burst 100
 * policy datapunk.inventory.v1.InventoryService/PutItem: scopes inventory:write; 10 rps, burst 20 (ratelimit.override; annotated: 5 rps, burst 5)
 * </pre>
 */
final class PolicyLog {

  /** What every line starts with, for grep. */
  static final String PREFIX = "policy ";

  private static final Logger log = MeshLoggers.getLogger(PolicyLog.class);

  private final List<String> lines;

  private PolicyLog(List<String> lines) {
    this.lines = List.copyOf(lines);
  }

  /**
   * The lines for every method of {@code bindings}, in binding and descriptor order.
   *
   * @param effectiveLimit the rate limit in force for a method (the annotation's, or the one a
   *     configured override makes)
   */
  static PolicyLog of(
      List<? extends MeshBinding> bindings,
      Function<MethodPolicy, Optional<RateLimitSpec>> effectiveLimit) {
    List<String> lines = new ArrayList<>();
    for (MeshBinding binding : bindings) {
      for (MethodPolicy policy : binding.policies()) {
        lines.add(line(policy, effectiveLimit.apply(policy)));
      }
    }
    return new PolicyLog(lines);
  }

  /** The lines without the logger's decoration. */
  List<String> lines() {
    return lines;
  }

  /** Writes each line at INFO. */
  void write() {
    lines.forEach(log::info);
  }

  private static String line(MethodPolicy policy, Optional<RateLimitSpec> effective) {
    String text = PREFIX + policy.fullMethodName() + ": " + policy.describeWith(effective);
    if (effective.equals(policy.rateLimit())) {
      return text;
    }
    return text
        + " (ratelimit.override; annotated: "
        + policy.rateLimit().map(RateLimitSpec::toString).orElse("no rate limit")
        + ")";
  }
}
