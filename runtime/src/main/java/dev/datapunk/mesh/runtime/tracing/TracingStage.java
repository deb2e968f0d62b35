package dev.datapunk.mesh.runtime.tracing;

import dev.datapunk.mesh.runtime.chain.AdmissionListener;
import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.security.AuthDecisionListener;
import dev.datapunk.mesh.runtime.security.AuthDecisionReason;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The tracing stage, outermost in the chain of every mesh method: one {@code SERVER} span per call
 * (see {@link TracingInterceptor}), and the listeners through which the security and limit stages
 * put their decisions on it.
 *
 * <p>Off ({@link #off()}), it answers {@code null} for every method and hands out the no-op
 * listeners, so a server that does not trace runs exactly the chain it would without this class.
 *
 * <p>The decision listeners write to {@link Span#current()}: the stages run inside the span's
 * scope, which this stage opens around {@code startCall} and every listener callback. A listener
 * called outside a traced call (the identity allow list in front of health and reflection) finds no
 * recording span and does nothing.
 */
public final class TracingStage implements CallStage {

  /** The instrumentation scope of the mesh's spans. */
  public static final String INSTRUMENTATION_NAME = "dev.datapunk.mesh";

  private static final TracingStage OFF = new TracingStage(null, null, false);

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private volatile boolean recordIdentity;

  private TracingStage(Tracer tracer, TextMapPropagator propagator, boolean recordIdentity) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.recordIdentity = recordIdentity;
  }

  /** No tracing: no interceptor for any method, no-op listeners. */
  public static TracingStage off() {
    return OFF;
  }

  /**
   * Traces with {@code openTelemetry}'s tracer (scope {@value #INSTRUMENTATION_NAME}), continuing
   * the traces its text-map propagator extracts from each call's headers.
   *
   * @param recordIdentity whether spans carry the verified peer identity and token subject
   */
  public static TracingStage on(OpenTelemetry openTelemetry, boolean recordIdentity) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    Tracer tracer =
        openTelemetry
            .tracerBuilder(INSTRUMENTATION_NAME)
            .setSchemaUrl(SpanAttributes.SCHEMA_URL)
            .build();
    return new TracingStage(
        tracer, openTelemetry.getPropagators().getTextMapPropagator(), recordIdentity);
  }

  /** Whether calls are traced. */
  public boolean isOn() {
    return tracer != null;
  }

  /** Whether spans carry the verified peer identity and token subject from now on. */
  public void recordIdentity(boolean record) {
    if (isOn()) {
      this.recordIdentity = record;
    }
  }

  @Override
  public ServerInterceptor interceptorFor(MethodPolicy policy) {
    if (!isOn()) {
      return null;
    }
    MethodDescriptor<?, ?> method = policy.method();
    Attributes attributes =
        Attributes.of(
            SpanAttributes.RPC_SYSTEM, "grpc",
            SpanAttributes.RPC_SERVICE, method.getServiceName(),
            SpanAttributes.RPC_METHOD, method.getBareMethodName());
    return new TracingInterceptor(tracer, propagator, method.getFullMethodName(), attributes);
  }

  /**
   * Puts each security decision (result, reason code and, if allowed, identity) on the call's span.
   */
  public AuthDecisionListener.Factory authDecisions() {
    return isOn() ? method -> this::recordAuthDecision : AuthDecisionListener.Factory.NONE;
  }

  /** Puts each rate-limit decision on the call's span. */
  public AdmissionListener.Factory rateLimitDecisions() {
    return isOn()
        ? method ->
            (admitted, retryAfterNanos) ->
                recordAdmission(
                    admitted,
                    retryAfterNanos,
                    SpanAttributes.MESH_RATELIMIT_DECISION,
                    "allowed",
                    SpanAttributes.MESH_RATELIMIT_RETRY_AFTER_MS)
        : AdmissionListener.Factory.NONE;
  }

  /** Puts each decision of the adaptive concurrency limit on the call's span. */
  public AdmissionListener.Factory adaptiveLimitDecisions() {
    return isOn()
        ? method ->
            (admitted, retryAfterNanos) ->
                recordAdmission(
                    admitted,
                    retryAfterNanos,
                    SpanAttributes.MESH_ADAPTIVE_DECISION,
                    "admitted",
                    SpanAttributes.MESH_ADAPTIVE_RETRY_AFTER_MS)
        : AdmissionListener.Factory.NONE;
  }

  private void recordAuthDecision(AuthDecisionReason reason, String peerIdentity, String subject) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    span.setAttribute(SpanAttributes.MESH_AUTH_DECISION, reason.decision().code());
    span.setAttribute(SpanAttributes.MESH_AUTH_REASON, reason.code());
    if (recordIdentity) {
      if (peerIdentity != null) {
        span.setAttribute(SpanAttributes.MESH_PEER_IDENTITY, peerIdentity);
      }
      if (subject != null) {
        span.setAttribute(SpanAttributes.MESH_AUTH_SUBJECT, subject);
      }
    }
  }

  private static void recordAdmission(
      boolean admitted,
      long retryAfterNanos,
      AttributeKey<String> decision,
      String admittedWord,
      AttributeKey<Long> retryAfter) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    if (admitted) {
      span.setAttribute(decision, admittedWord);
    } else {
      span.setAttribute(decision, "rejected");
      span.setAttribute(retryAfter, TimeUnit.NANOSECONDS.toMillis(retryAfterNanos));
    }
  }
}
