package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.chain.CallChain;
import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ReloadTarget;
import dev.datapunk.mesh.runtime.health.HealthCheckScheduler;
import dev.datapunk.mesh.runtime.health.ServingStatus;
import dev.datapunk.mesh.runtime.limits.AdaptiveLimitStage;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.metrics.MetricsStage;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.ratelimit.RateLimitStage;
import dev.datapunk.mesh.runtime.security.AuthDecisionListener;
import dev.datapunk.mesh.runtime.security.SecurityStages;
import dev.datapunk.mesh.runtime.tracing.TracingStage;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Wires a {@link MeshServer} from what its {@link MeshServerBuilder} holds: the stages of the call
 * chain around each mesh service (tracing, when an OpenTelemetry was given, metrics with the
 * exception handlers, identity allow list, authentication, authorization, rate limit, adaptive
 * limit, request parsing, the application's own stages), health and reflection behind the identity
 * allow list, the thread pools, the grpc-java server of the builder's {@link ServerTransport}
 * (Netty unless set) and the plaintext health-only listener. The one place where the chain's order
 * is decided.
 */
final class ServerWiring {

  /**
   * A wired server, where reloaded {@code ratelimit.override.*} and {@code limits.adaptive.*}
   * values go, and its tracing stage (off without an OpenTelemetry).
   */
  record Wired(MeshServer server, ReloadTarget limitReload, TracingStage tracing) {}

  private ServerWiring() {}

  static Wired wire(MeshServerBuilder builder) {
    MeshConfig config = builder.config;
    MeshMeters meters = builder.meshMeters();
    TracingStage tracing =
        builder.openTelemetry == null
            ? TracingStage.off()
            : TracingStage.on(builder.openTelemetry, config.tracing().recordIdentity());
    MetricsStage metrics =
        new MetricsStage(
            builder.meterRegistry,
            ExtensionWiring.exceptionMappers(builder.bindings, builder.exceptionHandlers));
    List<AuthDecisionListener.Factory> listeners = new ArrayList<>(builder.authDecisionListeners);
    listeners.add(AuthDecisionMeters.of(meters));
    if (tracing.isOn()) {
      listeners.add(tracing.authDecisions());
    }
    AuthDecisionListener.Factory decisions =
        SecurityStages.oncePerMethod(AuthDecisionListener.Factory.all(listeners));
    CallStage identity = SecurityStages.identityAllowList(builder.peerAllowList, decisions);
    RateLimitStage rateLimits =
        new RateLimitStage(
            builder.rateLimiterBackend,
            config.rateLimit().overrides(),
            meters,
            tracing.rateLimitDecisions());
    AdaptiveLimitStage adaptiveLimits =
        new AdaptiveLimitStage(config.limits(), meters, tracing.adaptiveLimitDecisions());
    // Tracing outside metrics: its span covers the whole chain and ends with the status metrics
    // recorded,
    // exceptions mapped; off, it is in no method's chain.
    CallChain chain =
        CallChain.of(
            tracing,
            metrics,
            identity,
            SecurityStages.authentication(
                builder.tokenVerifier, builder.transportIdentities, decisions),
            SecurityStages.authorization(decisions),
            rateLimits,
            adaptiveLimits);
    List<ServerServiceDefinition> services = new ArrayList<>();
    for (MeshBinding binding : builder.bindings) {
      ServerServiceDefinition definition =
          ExtensionWiring.withUserStages(
              binding.bindService(), binding.policies(), builder.userStages);
      services.add(chain.wrap(UnparsableRequests.guard(definition), binding.policies()));
    }
    PolicyLog policyLog = PolicyLog.of(builder.bindings, rateLimits::effectiveLimit);
    ConfiguredMethods methods = ConfiguredMethods.of(services);
    methods.check(config);
    List<String> serviceNames =
        services.stream().map(s -> s.getServiceDescriptor().getName()).toList();
    ServingStatus servingStatus = new ServingStatus(serviceNames);
    HealthCheckScheduler healthChecks =
        new HealthCheckScheduler(
            builder.healthChecks, servingStatus, config.health().checkInterval());
    ExecutorService workers =
        metered(
            WorkerExecutor.create(config.server().workerThreads()),
            WorkerExecutor.NAME,
            builder.meterRegistry);
    ExecutorService infrastructure =
        metered(
            WorkerExecutor.createInfrastructure(),
            WorkerExecutor.INFRASTRUCTURE_NAME,
            builder.meterRegistry);
    List<ServerStreamTracer.Factory> tracers =
        List.of(metrics.streamTracerFactory(), adaptiveLimits.arrivalTracer());
    CallChain infrastructureChain = CallChain.of(identity);
    Server grpc =
        builder.transport.build(
            config.server(),
            builder.credentials,
            ServerContents.of(
                config,
                workers,
                infrastructure,
                services,
                servingStatus,
                tracers,
                definition -> infrastructureChain.wrap(definition, openPolicies(definition))));
    HealthPort healthPort = HealthPort.of(config, servingStatus, infrastructure);
    MeshServer server =
        new MeshServer(
            builder,
            new MeshServer.Parts(
                grpc,
                workers,
                infrastructure,
                servingStatus,
                healthChecks,
                metrics,
                healthPort,
                policyLog,
                serviceNames));
    return new Wired(server, new LimitReload(methods, rateLimits, adaptiveLimits), tracing);
  }

  private static ExecutorService metered(
      ExecutorService executor, String name, MeterRegistry registry) {
    new ExecutorServiceMetrics(executor, name, Tags.empty()).bindTo(registry);
    return executor;
  }

  /** A policy for every method of {@code definition} asking for no token and no limit. */
  private static List<MethodPolicy> openPolicies(ServerServiceDefinition definition) {
    return definition.getMethods().stream()
        .map(method -> MethodPolicy.builder(method.getMethodDescriptor()).build())
        .toList();
  }
}
