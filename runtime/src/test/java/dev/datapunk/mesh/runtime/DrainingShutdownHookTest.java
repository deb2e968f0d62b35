package dev.datapunk.mesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hook halts only after the drain, with 0, or 1 when closing failed. */
class DrainingShutdownHookTest {

  @Test
  void haltsWithZeroAfterTheServerHasClosed() {
    List<String> events = new ArrayList<>();
    new DrainingShutdownHook(() -> events.add("closed"), status -> events.add("halt " + status))
        .run();
    assertThat(events).containsExactly("closed", "halt 0");
  }

  @Test
  void haltsWithOneWhenClosingThrows() {
    List<String> events = new ArrayList<>();
    new DrainingShutdownHook(
            () -> {
              events.add("closing");
              throw new IllegalStateException("boom");
            },
            status -> events.add("halt " + status))
        .run();
    assertThat(events).containsExactly("closing", "halt 1");
  }
}
