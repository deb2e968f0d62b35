package dev.datapunk.mesh.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * Resource utilisation: Micrometer's JVM binders (memory, GC, heap pressure, threads, class
 * loading, JIT, JVM info) and process binders (CPU, uptime, file descriptors).
 *
 * <p>The GC and heap-pressure binders listen to JVM notifications; {@link #close()} removes those
 * listeners when the server stops.
 */
public final class SystemMetrics implements AutoCloseable {

  private final JvmGcMetrics gc;
  private final JvmHeapPressureMetrics heapPressure;

  private SystemMetrics(JvmGcMetrics gc, JvmHeapPressureMetrics heapPressure) {
    this.gc = gc;
    this.heapPressure = heapPressure;
  }

  /** Binds every JVM and process binder to {@code registry}. */
  public static SystemMetrics bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmCompilationMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
    heapPressure.bindTo(registry);
    return new SystemMetrics(gc, heapPressure);
  }

  @Override
  public void close() {
    gc.close();
    heapPressure.close();
  }

  @Override
  public String toString() {
    return "SystemMetrics";
  }
}
