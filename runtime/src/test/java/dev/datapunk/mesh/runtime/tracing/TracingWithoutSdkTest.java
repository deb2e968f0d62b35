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
 * The OpenTelemetry SDK and OTLP exporter are optional dependencies of the runtime: in a class
 * loader whose class path lacks them (as a service built without mesh-service-parent's tracing
 * dependencies), a server without tracing starts and serves as ever, and {@code
 * tracing.enabled=true} is a start-up error naming the key and the missing artifacts.
 */
class TracingWithoutSdkTest {

  /**
   * Set while the test's class loader starts Netty, so that Netty uses its Java transport there.
   * Loaded a second time in that loader, its native epoll library (a second copy beside this JVM's)
   * could, once the loader is collected, leave the test JVM's own Netty without its native methods:
   * the servers of later test classes then fail to start (UnsatisfiedLinkError on the event loops).
   */
  private static final String NO_NATIVE_TRANSPORT =
      "io.grpc.netty.shaded.io.netty.transport.noNative";

  @TempDir Path dir;

  @Test
  void withoutTheSdkTracingOffStartsAndTracingOnIsAConfigErrorNamingTheKey() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      String name = Path.of(entry).getFileName().toString();
      if (!name.startsWith("opentelemetry-sdk") && !name.startsWith("opentelemetry-exporter")) {
        urls.add(url(entry));
      }
    }
    String noNativeBefore = System.setProperty(NO_NATIVE_TRANSPORT, "true");
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThrows(
          ClassNotFoundException.class,
          () -> loader.loadClass("io.opentelemetry.sdk.trace.SdkTracerProvider"));
      Method start =
          loader
              .loadClass("dev.datapunk.mesh.runtime.MeshApplication")
              .getMethod("start", String[].class, List.class, Map.class, Path.class);
      Object binding =
          loader
              .loadClass("dev.datapunk.mesh.runtime.UnprotectedSimpleService")
              .getMethod("binding")
              .invoke(null);
      String[] base = {
        "--server.host=127.0.0.1", "--server.port=0", "--tls.mode=plaintext", "--metrics.port=0"
      };

      AutoCloseable untraced =
          (AutoCloseable) start.invoke(null, base, List.of(binding), Map.of(), dir);
      untraced.close();

      String[] traced =
          List.of(base[0], base[1], base[2], base[3], "--tracing.enabled=true")
              .toArray(String[]::new);
      InvocationTargetException failure =
          assertThrows(
              InvocationTargetException.class,
              () -> start.invoke(null, traced, List.of(binding), Map.of(), dir));
      assertThat(failure.getCause().getClass().getName())
          .isEqualTo("dev.datapunk.mesh.runtime.config.ConfigException");
      assertThat(failure.getCause().getMessage())
          .startsWith(
              "tracing.enabled: true needs io.opentelemetry:opentelemetry-sdk-trace and"
                  + " io.opentelemetry:opentelemetry-exporter-otlp on the class path"
                  + " (mesh-service-parent adds both; missing io/opentelemetry/");
    } finally {
      if (noNativeBefore == null) {
        System.clearProperty(NO_NATIVE_TRANSPORT);
      } else {
        System.setProperty(NO_NATIVE_TRANSPORT, noNativeBefore);
      }
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
