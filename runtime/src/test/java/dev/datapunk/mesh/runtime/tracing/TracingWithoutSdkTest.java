package dev.datapunk.mesh.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry SDK and OTLP exporter are optional dependencies of the runtime: in a class loader
 * whose class path lacks them (as a service built without mesh-service-parent's tracing dependencies),
 * a server without tracing starts and serves as ever, and {@code tracing.enabled=true} is a start-up
 * error naming the key and the missing artifacts.
 */
class TracingWithoutSdkTest {

  @TempDir Path dir;

  @Test
  void withoutTheSdkTracingOffStartsAndTracingOnIsAConfigErrorNamingTheKey() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (!name.startsWith("opentelemetry-sdk") && !name.startsWith("opentelemetry-exporter")) {
        urls.add(url(entry));
      }
    }
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.opentelemetry.sdk.trace.SdkTracerProvider"));
      Method start = loader.loadClass("dev.datapunk.mesh.runtime.MeshApplication")
          .getMethod("start", String[].class, List.class, Map.class, Path.class);
      Object binding = loader.loadClass("dev.datapunk.mesh.runtime.UnprotectedSimpleService").getMethod("binding").invoke(null);
      String[] base = {"--server.host=127.0.0.1", "--server.port=0", "--tls.mode=plaintext", "--metrics.port=0"};

      AutoCloseable untraced = (AutoCloseable) start.invoke(null, base, List.of(binding), Map.of(), dir);
      untraced.close();

      String[] traced = List.of(base[0], base[1], base[2], base[3], "--tracing.enabled=true").toArray(String[]::new);
      InvocationTargetException failure = assertThrows(InvocationTargetException.class,
          () -> start.invoke(null, traced, List.of(binding), Map.of(), dir));
      assertThat(failure.getCause().getClass().getName()).isEqualTo("dev.datapunk.mesh.runtime.config.ConfigException");
      assertThat(failure.getCause().getMessage()).startsWith("tracing.enabled: true needs"
          + " io.opentelemetry:opentelemetry-sdk-trace and io.opentelemetry:opentelemetry-exporter-otlp on the class"
          + " path (mesh-service-parent adds both; missing io/opentelemetry/");
    }
  }

  private static URL url(String entry) {
    try {
      return Path.of(entry).toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(entry, e);
    }
  }
}
