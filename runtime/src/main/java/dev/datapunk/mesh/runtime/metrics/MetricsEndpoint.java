package dev.datapunk.mesh.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;

/**
 * The Prometheus scrape endpoint: {@code GET /metrics} on its own small HTTP server (the JDK's
 * {@code com.sun.net.httpserver}), in the Prometheus text format or OpenMetrics as the scraper's
 * {@code Accept} header asks ({@link ScrapeFormat}), gzip-compressed when accepted.
 *
 * <p>{@code GET} and {@code HEAD} only (others get 405), {@code /metrics} only (other paths get
 * 404). Scrapes run on the endpoint's own two threads, never on gRPC or service threads.
 */
public final class MetricsEndpoint implements AutoCloseable {

  /** Where the metrics are served. */
  public static final String PATH = "/metrics";

  private static final Logger log = MeshLoggers.getLogger(MetricsEndpoint.class);

  private final HttpServer server;
  private final ExecutorService threads;

  private MetricsEndpoint(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /**
   * Starts serving {@code registry} at {@code http://host:port/metrics}.
   *
   * @param port the port, 0 for any free one ({@link #port()} tells which)
   * @throws IOException when the address cannot be bound, e.g. the port is in use
   */
  public static MetricsEndpoint start(PrometheusMeterRegistry registry, String host, int port)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    ExecutorService threads = Executors.newFixedThreadPool(2, new DaemonThreads());
    server.setExecutor(threads);
    server.createContext("/", exchange -> handle(registry, exchange));
    server.start();
    return new MetricsEndpoint(server, threads);
  }

  /** The port the endpoint listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops at once; a scrape in progress is cut off. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  @Override
  public String toString() {
    return "MetricsEndpoint[" + server.getAddress() + PATH + "]";
  }

  private static void handle(PrometheusMeterRegistry registry, HttpExchange exchange)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        sendText(exchange, 404, "Not found: the metrics are at " + PATH + "\n");
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        sendText(exchange, 405, "Method " + method + " not allowed: use GET\n");
        return;
      }
      ScrapeFormat format = ScrapeFormat.negotiate(exchange.getRequestHeaders().getFirst("Accept"));
      byte[] body;
      try {
        body = registry.scrape(format.contentType()).getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        log.warn("Scraping the meter registry failed", e);
        sendText(exchange, 500, "Scrape failed: " + e.getClass().getSimpleName() + "\n");
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", format.contentType());
      if (acceptsGzip(exchange)) {
        body = gzip(body);
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static boolean acceptsGzip(HttpExchange exchange) {
    String encodings = exchange.getRequestHeaders().getFirst("Accept-Encoding");
    return encodings != null && encodings.toLowerCase(java.util.Locale.ROOT).contains("gzip");
  }

  private static byte[] gzip(byte[] body) throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
      out.write(body);
    }
    return compressed.toByteArray();
  }

  private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger next = new AtomicInteger(1);

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "mesh-metrics-http-" + next.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    }
  }
}
