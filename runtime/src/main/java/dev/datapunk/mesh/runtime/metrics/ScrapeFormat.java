package dev.datapunk.mesh.runtime.metrics;

import java.util.Locale;

/**
 * The exposition formats {@code /metrics} serves, chosen from the scraper's {@code Accept} header:
 * OpenMetrics when the scraper asks for it (Prometheus does by default) at least as much as for the
 * classic text format, the Prometheus text format otherwise.
 */
public enum ScrapeFormat {
  /** The Prometheus text format 0.0.4. */
  PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
  /** OpenMetrics 1.0.0 text. */
  OPEN_METRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

  private static final String OPEN_METRICS_TYPE = "application/openmetrics-text";

  private final String contentType;

  ScrapeFormat(String contentType) {
    this.contentType = contentType;
  }

  /** The {@code Content-Type} of a response in this format. */
  public String contentType() {
    return contentType;
  }

  /** The format for an {@code Accept} header; {@code null} or blank means the text format. */
  public static ScrapeFormat negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return PROMETHEUS_TEXT;
    }
    double openMetrics = 0;
    double text = 0;
    for (String range : accept.split(",", -1)) {
      String[] parts = range.split(";", -1);
      String type = parts[0].strip().toLowerCase(Locale.ROOT);
      double q = quality(parts);
      if (type.equals(OPEN_METRICS_TYPE)) {
        openMetrics = Math.max(openMetrics, q);
      } else if (type.equals("text/plain") || type.equals("text/*") || type.equals("*/*")) {
        text = Math.max(text, q);
      }
    }
    return openMetrics > 0 && openMetrics >= text ? OPEN_METRICS : PROMETHEUS_TEXT;
  }

  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].strip();
      if (parameter.startsWith("q=")) {
        try {
          return Double.parseDouble(parameter.substring(2));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
