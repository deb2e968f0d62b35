package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ReloadTarget;
import dev.datapunk.mesh.runtime.tracing.TracingSettings;
import dev.datapunk.mesh.runtime.tracing.TracingStage;
import dev.datapunk.mesh.runtime.tracing.otlp.OtlpTracing;
import java.util.Objects;

/**
 * Where reloaded tracing values go: {@code tracing.record-identity} to the tracing stage, {@code
 * tracing.sampling-ratio} and {@code tracing.headers} to the SDK the server started (none when
 * tracing is off, or when an embedding application brought its own OpenTelemetry). The other {@code
 * tracing.*} keys need a restart.
 */
final class TracingReload implements ReloadTarget {

  private final TracingStage stage;
  private final OtlpTracing sdk;

  /**
   * @param sdk the SDK the server started, or {@code null}
   */
  TracingReload(TracingStage stage, OtlpTracing sdk) {
    this.stage = Objects.requireNonNull(stage, "stage");
    this.sdk = sdk;
  }

  @Override
  public Runnable prepare(MeshConfig next) {
    TracingSettings settings = next.tracing();
    return () -> {
      stage.recordIdentity(settings.recordIdentity());
      if (sdk != null) {
        sdk.samplingRatio(settings.samplingRatio());
        sdk.headers(settings.headers());
      }
    };
  }
}
