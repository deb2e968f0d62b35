package dev.datapunk.mesh.runtime.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a server's Prometheus endpoint, as a monitoring system would. */
public final class Scrape {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String text;

  private Scrape(String text) {
    this.text = text;
  }

  public static Scrape of(int metricsPort) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError(
            "scrape answered HTTP " + response.statusCode() + ": " + response.body());
      }
      return new Scrape(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The sum of every sample of {@code name} whose labels contain each of {@code labels} (e.g.
   * {@code backend="redis"}); 0 when there is none.
   */
  public double sum(String name, String... labels) {
    double total = 0;
    for (String line : text.lines().toList()) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= line.contains(label);
      }
      if (all) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** The whole exposition. */
  public String text() {
    return text;
  }

  /** The lines of the metrics named {@code prefix...}, for messages and figures. */
  public String lines(String prefix) {
    return String.join("\n", text.lines().filter(l -> l.startsWith(prefix)).toList());
  }
}
