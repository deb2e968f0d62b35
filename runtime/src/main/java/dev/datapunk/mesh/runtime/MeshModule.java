package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.health.HealthCheck;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything one application hands to the mesh server: its services ({@link MeshBinding}s), its own
 * call stages, its health checks and its global exception handlers.
 *
 * <p>The generated bootstrap builds one from the annotations of its compilation ({@code
 * MeshMain.module()}) and runs it with {@link MeshApplication#run(String[], MeshModule)}. A main of
 * your own can build one too, for example to create services that need constructor arguments:
 *
 * <pre>{@code
 * MeshModule module = MeshMain.extensions()     // the generated stages, health checks, handlers
 *     .binding(new InventoryService_MeshBinding(new InventoryService(database)))
 *     .healthCheck(HealthCheck.of("database", database::isUp))
 *     .build();
 * MeshApplication.run(args, module);
 * }</pre>
 *
 * <p>Where each part runs: user stages just above the service, below every mesh stage (metrics,
 * identity allow list, authentication, authorization, rate limit, adaptive limit, request parsing),
 * so a call any mesh stage refuses never reaches user code; health checks every {@code
 * health.check-interval} off the call path; exception handlers in the metrics stage, so the status
 * recorded is the status the client sees.
 */
public final class MeshModule {

  private final List<MeshBinding> bindings;
  private final List<ScopedStage> stages;
  private final List<HealthCheck> healthChecks;
  private final ExceptionHandlers exceptionHandlers;

  private MeshModule(Builder builder) {
    this.bindings = List.copyOf(builder.bindings);
    this.stages = List.copyOf(builder.stages);
    this.healthChecks = List.copyOf(builder.healthChecks);
    this.exceptionHandlers = builder.exceptionHandlers;
  }

  /**
   * A module of {@code bindings} alone: no user stages, health checks or global exception handlers.
   */
  public static MeshModule of(List<? extends MeshBinding> bindings) {
    return builder().bindings(bindings).build();
  }

  /** Starts an empty module. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding everything this module holds, to add to. */
  public Builder toBuilder() {
    Builder builder = new Builder().bindings(bindings);
    builder.stages.addAll(stages);
    builder.healthChecks.addAll(healthChecks);
    return builder.exceptionHandlers(exceptionHandlers);
  }

  /** The mesh services. */
  public List<MeshBinding> bindings() {
    return bindings;
  }

  /**
   * The user stages, outermost first, each answering {@code null} for the methods of services it is
   * not for.
   */
  public List<CallStage> stages() {
    return List.<CallStage>copyOf(stages);
  }

  /** The dependency health checks; while one fails, health says NOT_SERVING. */
  public List<HealthCheck> healthChecks() {
    return healthChecks;
  }

  /** The global exception handlers; a service's own handler of the same type wins. */
  public ExceptionHandlers exceptionHandlers() {
    return exceptionHandlers;
  }

  /** A user stage, limited to the methods of some services (of every service when empty). */
  private record ScopedStage(CallStage stage, Set<String> services) implements CallStage {

    @Override
    public ServerInterceptor interceptorFor(MethodPolicy policy) {
      return services.isEmpty() || services.contains(policy.method().getServiceName())
          ? stage.interceptorFor(policy)
          : null;
    }

    @Override
    public String toString() {
      String name = stage.getClass().getName();
      return services.isEmpty() ? name : name + " for " + services;
    }
  }

  /** Builds a {@link MeshModule}. */
  public static final class Builder {
    private final List<MeshBinding> bindings = new ArrayList<>();
    private final List<ScopedStage> stages = new ArrayList<>();
    private final List<HealthCheck> healthChecks = new ArrayList<>();
    private ExceptionHandlers exceptionHandlers = ExceptionHandlers.none();

    private Builder() {}

    /** Adds a mesh service. */
    public Builder binding(MeshBinding binding) {
      bindings.add(Objects.requireNonNull(binding, "binding"));
      return this;
    }

    /** Adds mesh services, e.g. the generated bootstrap's {@code bindings()}. */
    public Builder bindings(List<? extends MeshBinding> bindings) {
      bindings.forEach(this::binding);
      return this;
    }

    /**
     * Adds a user stage after those added before (so further from the service), for the methods of
     * the gRPC services named (full names such as {@code datapunk.inventory.v1.InventoryService},
     * e.g. {@code InventoryServiceGrpc.SERVICE_NAME}), or of every service when none is named.
     */
    public Builder stage(CallStage stage, String... services) {
      Objects.requireNonNull(stage, "stage");
      stages.add(new ScopedStage(stage, Set.copyOf(new LinkedHashSet<>(List.of(services)))));
      return this;
    }

    /** Adds a dependency health check. */
    public Builder healthCheck(HealthCheck check) {
      healthChecks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /** Sets the global exception handlers, replacing those set before. */
    public Builder exceptionHandlers(ExceptionHandlers handlers) {
      this.exceptionHandlers = Objects.requireNonNull(handlers, "handlers");
      return this;
    }

    /**
     * The module.
     *
     * @throws IllegalArgumentException when a stage names a gRPC service no binding serves
     */
    public MeshModule build() {
      Set<String> served = new TreeSet<>();
      for (MeshBinding binding : bindings) {
        for (MethodPolicy policy : binding.policies()) {
          served.add(policy.method().getServiceName());
        }
      }
      for (ScopedStage stage : stages) {
        for (String service : stage.services()) {
          if (!served.contains(service)) {
            throw new IllegalArgumentException(
                "stage "
                    + stage.stage().getClass().getName()
                    + " is for gRPC service "
                    + service
                    + ", which no binding of the module serves (it serves "
                    + served
                    + ")");
          }
        }
      }
      return new MeshModule(this);
    }
  }
}
