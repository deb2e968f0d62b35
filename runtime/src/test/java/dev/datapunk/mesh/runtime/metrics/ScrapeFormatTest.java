package dev.datapunk.mesh.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Content negotiation of {@code /metrics}. */
class ScrapeFormatTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
            + " | OPEN_METRICS",
        "application/openmetrics-text; version=1.0.0 | OPEN_METRICS",
        "text/plain;version=0.0.4;q=0.5,*/* | PROMETHEUS_TEXT",
        "text/plain;q=1, application/openmetrics-text;q=0.2 | PROMETHEUS_TEXT",
        "application/openmetrics-text;q=0 | PROMETHEUS_TEXT",
        "*/* | PROMETHEUS_TEXT",
        "application/json | PROMETHEUS_TEXT",
        "'' | PROMETHEUS_TEXT"
      })
  void negotiates(String accept, ScrapeFormat expected) {
    assertThat(ScrapeFormat.negotiate(accept)).isEqualTo(expected);
  }
}
