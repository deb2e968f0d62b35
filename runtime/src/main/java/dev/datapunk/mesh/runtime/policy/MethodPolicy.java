package dev.datapunk.mesh.runtime.policy;

import io.grpc.MethodDescriptor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The resolved policy of one RPC method: who may call it and how often.
 *
 * <p>Generated {@code *_MeshBinding} classes hold one instance per RPC method as a constant, built
 * from the method's {@link MethodDescriptor} (named directly through the protoc-generated {@code
 * XxxGrpc.getYyyMethod()} getter) and the annotations the processor resolved. Class-level and
 * method-level annotations were already resolved: a method-level annotation replaced the
 * class-level one, so a policy never needs merging.
 */
public final class MethodPolicy {

  private final MethodDescriptor<?, ?> method;
  private final Access access;
  private final Set<String> requiredScopes;
  private final RateLimitSpec rateLimit;

  private MethodPolicy(Builder builder) {
    this.method = builder.method;
    this.access = builder.access;
    this.requiredScopes = Collections.unmodifiableSet(new LinkedHashSet<>(builder.scopes));
    this.rateLimit = builder.rateLimit;
  }

  /** Starts the policy of {@code method}: open to every caller, no rate limit. */
  public static Builder builder(MethodDescriptor<?, ?> method) {
    return new Builder(method);
  }

  /** The gRPC method this policy applies to. */
  public MethodDescriptor<?, ?> method() {
    return method;
  }

  /** The full method name, e.g. {@code datapunk.inventory.v1.InventoryService/GetItem}. */
  public String fullMethodName() {
    return method.getFullMethodName();
  }

  /** Who may call the method. */
  public Access access() {
    return access;
  }

  /** Whether a bearer token is required ({@link Access#SECURED}). */
  public boolean isSecured() {
    return access == Access.SECURED;
  }

  /** Scopes a token must all carry, in declaration order; empty unless {@link #isSecured()}. */
  public Set<String> requiredScopes() {
    return requiredScopes;
  }

  /** The compiled-in rate limit, if the method has one. */
  public Optional<RateLimitSpec> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * Who may call the method and how often, e.g. {@code scopes inventory:write; 5 rps, burst 5},
   * {@code public; 50 rps, burst 100} or {@code open; no rate limit}: the text the generated
   * binding's Javadoc shows for the method.
   */
  public String describe() {
    return describeWith(rateLimit());
  }

  /**
   * {@link #describe()} with {@code effectiveLimit} in place of the compiled-in rate limit, e.g.
   * the limit a configured override makes.
   */
  public String describeWith(Optional<RateLimitSpec> effectiveLimit) {
    String who =
        switch (access) {
          case OPEN -> "open";
          case PUBLIC -> "public";
          case SECURED -> "scopes " + String.join(", ", requiredScopes);
        };
    return who + "; " + effectiveLimit.map(RateLimitSpec::toString).orElse("no rate limit");
  }

  /**
   * The full method name and {@link #describe()}, e.g. {@code pkg.Service/Method: open; no rate
   * limit}.
   */
  @Override
  public String toString() {
    return fullMethodName() + ": " + describe();
  }

  /** Builds a {@link MethodPolicy}; used by generated code. */
  public static final class Builder {
    private final MethodDescriptor<?, ?> method;
    private Access access = Access.OPEN;
    private final Set<String> scopes = new LinkedHashSet<>();
    private RateLimitSpec rateLimit;

    private Builder(MethodDescriptor<?, ?> method) {
      this.method = Objects.requireNonNull(method, "method");
    }

    /** Marks the method {@code @Public}: no token needed, whatever the class says. */
    public Builder publicAccess() {
      if (access == Access.SECURED) {
        throw new IllegalStateException(
            method.getFullMethodName() + " cannot be both public and secured");
      }
      access = Access.PUBLIC;
      return this;
    }

    /** Requires a bearer token carrying every one of {@code scopes} (at least one). */
    public Builder requireScopes(String... scopes) {
      if (access == Access.PUBLIC) {
        throw new IllegalStateException(
            method.getFullMethodName() + " cannot be both public and secured");
      }
      if (scopes.length == 0) {
        throw new IllegalArgumentException(
            method.getFullMethodName() + ": scopes must not be empty");
      }
      access = Access.SECURED;
      this.scopes.addAll(Arrays.asList(scopes));
      return this;
    }

    /** Limits each client to {@code rps} calls per second with bursts of up to {@code burst}. */
    public Builder rateLimit(double rps, int burst) {
      rateLimit = new RateLimitSpec(rps, burst);
      return this;
    }

    public MethodPolicy build() {
      return new MethodPolicy(this);
    }
  }
}
