package dev.datapunk.mesh.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One thread runs every registered check; a failing check does not stop the others. */
class FileWatcherTest {

  @Test
  void runsEveryCheckOnOneThreadAndSurvivesAFailingOne() throws Exception {
    try (FileWatcher watcher = FileWatcher.start(Duration.ofMillis(20))) {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      AtomicInteger first = new AtomicInteger();
      AtomicInteger second = new AtomicInteger();
      watcher.watch(
          "first",
          () -> {
            threads.add(Thread.currentThread().getName());
            first.incrementAndGet();
          });
      watcher.watch(
          "broken",
          () -> {
            throw new IllegalStateException("broken check");
          });
      AutoCloseable registration =
          watcher.watch(
              "second",
              () -> {
                threads.add(Thread.currentThread().getName());
                second.incrementAndGet();
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> first.get() >= 3 && second.get() >= 3);
      assertThat(threads).containsExactly(FileWatcher.THREAD_NAME);

      registration.close();
      int seen = second.get();
      int firstSeen = first.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> first.get() >= firstSeen + 3);
      assertThat(second.get())
          .isLessThanOrEqualTo(seen + 1); // at most the run in progress at close
    }
  }

  @Test
  void intervalMustBePositive() {
    assertThatThrownBy(() -> FileWatcher.start(Duration.ZERO).close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval");
  }
}
