package dev.datapunk.mesh.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.SubstituteLogger;

/** The gate in front of a backend logger that records every event it gets. */
class GatedLoggerTest {

  private final Queue<SubstituteLoggingEvent> events = new ArrayDeque<>();
  private final GatedLogger logger =
      new GatedLogger(
          new SubstituteLogger("dev.datapunk.mesh.runtime.tls", events, false), LogLevel.INFO);

  @AfterEach
  void restoreDefaults() {
    MeshLoggers.apply(LogLevels.DEFAULT);
  }

  @Test
  void passesOnlyLevelsAtOrAboveTheThreshold() {
    logger.debug("d {}", 1);
    logger.info("i {}", 2);
    logger.warn("w {} {}", 3, 4);
    logger.error("e", new IllegalStateException("x"));
    assertThat(events)
        .extracting(SubstituteLoggingEvent::getLevel)
        .containsExactly(Level.INFO, Level.WARN, Level.ERROR);
    assertThat(logger.isDebugEnabled()).isFalse();
    assertThat(logger.isInfoEnabled()).isTrue();
    assertThat(logger.getName()).isEqualTo("dev.datapunk.mesh.runtime.tls");
  }

  @Test
  void thresholdChangesFromTheNextCallOn() {
    logger.threshold(LogLevel.TRACE);
    logger.trace("t");
    logger.debug("d");
    logger.threshold(LogLevel.OFF);
    logger.error("e");
    logger.threshold(LogLevel.WARN);
    logger.info("i");
    logger.warn("w");
    assertThat(events)
        .extracting(SubstituteLoggingEvent::getMessage)
        .containsExactly("t", "d", "w");
  }

  @Test
  void fluentApiIsGatedToo() {
    logger.atDebug().log("d");
    logger.atLevel(Level.DEBUG).log("d2");
    logger.atWarn().log("w");
    assertThat(logger.isEnabledForLevel(Level.DEBUG)).isFalse();
    assertThat(events).extracting(SubstituteLoggingEvent::getMessage).containsExactly("w");
  }

  @Test
  void mostSpecificEntryWinsThenTheRoot() {
    LogLevels levels =
        LogLevels.of(
            LogLevel.WARN,
            Map.of(
                "tls", LogLevel.DEBUG,
                "security", LogLevel.ERROR,
                "dev.datapunk.mesh.runtime.security.jwt.JwksUrlSource", LogLevel.TRACE,
                "audit", LogLevel.OFF));
    assertThat(levels.thresholdOf("dev.datapunk.mesh.runtime.tls")).isEqualTo(LogLevel.DEBUG);
    assertThat(levels.thresholdOf("dev.datapunk.mesh.runtime.security.AuditLog"))
        .isEqualTo(LogLevel.ERROR);
    assertThat(levels.thresholdOf("dev.datapunk.mesh.runtime.security.jwt.JwksUrlSource"))
        .isEqualTo(LogLevel.TRACE);
    assertThat(levels.thresholdOf("dev.datapunk.mesh.runtime.security.jwt.JwksFileSource"))
        .isEqualTo(LogLevel.ERROR);
    assertThat(levels.thresholdOf("datapunk.mesh.audit")).isEqualTo(LogLevel.OFF);
    assertThat(levels.thresholdOf("dev.datapunk.mesh.runtime.server.MeshServer"))
        .isEqualTo(LogLevel.WARN);
    // a prefix counts only at a dot: tlsx is not under tls
    assertThat(levels.thresholdOf("dev.datapunk.mesh.runtime.tlsx")).isEqualTo(LogLevel.WARN);
  }

  @Test
  void applyReachesExistingAndFutureLoggers() {
    Logger before = MeshLoggers.getLogger("dev.datapunk.mesh.runtime.limits.Probe");
    assertThat(before.isDebugEnabled()).isFalse();
    MeshLoggers.apply(LogLevels.of(LogLevel.INFO, Map.of("limits", LogLevel.OFF)));
    assertThat(before.isErrorEnabled()).isFalse();
    Logger after = MeshLoggers.getLogger("dev.datapunk.mesh.runtime.limits.Other");
    assertThat(after.isErrorEnabled()).isFalse();
    assertThat(MeshLoggers.getLogger("dev.datapunk.mesh.runtime.limits.Probe")).isSameAs(before);
    MeshLoggers.apply(LogLevels.DEFAULT);
    assertThat(before.isInfoEnabled()).isTrue();
  }
}
