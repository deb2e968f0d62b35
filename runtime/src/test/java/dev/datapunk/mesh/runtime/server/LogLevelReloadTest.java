package dev.datapunk.mesh.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.ConfigFiles;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.config.ConfigChange;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.ReloadReport;
import dev.datapunk.mesh.runtime.logging.LogLevel;
import dev.datapunk.mesh.runtime.logging.LogLevels;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import dev.datapunk.mesh.runtime.security.AuditLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * {@code log.level} and {@code log.levels.<category>} changed in {@code mesh.yaml} while a real
 * server runs, through the real {@link ConfigWatcher}, with the slf4j-simple backend of the tests
 * (whose levels cannot change at run time; {@code simplelogger.properties} lets the mesh's loggers
 * through): what the mesh's loggers write is captured from standard error, where slf4j-simple
 * writes.
 */
class LogLevelReloadTest {

  private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);
  private static final String TLS_LOGGER = "dev.datapunk.mesh.runtime.tls";

  @TempDir Path dir;

  private StderrCapture stderr;
  private MeshServer server;

  @BeforeEach
  void capture() {
    stderr = StderrCapture.start();
  }

  @AfterEach
  void restore() {
    if (server != null) {
      server.close();
    }
    stderr.close();
    MeshLoggers.apply(LogLevels.DEFAULT);
  }

  @Test
  void debugLineAppearsAfterRaisingTheLevelAndDisappearsAfterLoweringIt() throws Exception {
    ConfigFiles.write(dir.resolve("mesh.yaml"), "log.level: info\n");
    start();
    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    Logger tls = MeshLoggers.getLogger(TLS_LOGGER);

    String before = probe(tls);
    assertThat(output()).doesNotContain(before);

    ConfigFiles.write(dir.resolve("mesh.yaml"), "log.level: info\nlog.levels.tls: debug\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
    assertThat(watcher.lastReport().orElseThrow().applied())
        .extracting(ConfigChange::toString)
        .containsExactly("log.levels.tls unset -> debug");
    assertThat(output()).contains("config reloaded: log.levels.tls unset -> debug");
    String raised = probe(tls);
    assertThat(output()).contains("DEBUG " + TLS_LOGGER + " - " + raised);
    // Other categories stay at log.level.
    String other = probe(MeshLoggers.getLogger(MeshServer.class));
    assertThat(output()).doesNotContain(other);

    ConfigFiles.write(dir.resolve("mesh.yaml"), "log:\n  level: info\n  levels:\n    tls: info\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 2);
    String lowered = probe(tls);
    assertThat(output()).doesNotContain(lowered);
    assertThat(watcher.reloads(ReloadReport.Result.REJECTED)).isZero();
  }

  @Test
  void auditLogCanBeSilencedAndTheRootLevelRaised() throws Exception {
    ConfigFiles.write(dir.resolve("mesh.yaml"), "log.level: debug\nlog.levels.audit: off\n");
    start();
    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    Logger audit = MeshLoggers.getLogger(AuditLog.LOGGER_NAME);
    String silenced = "audit " + UUID.randomUUID();
    audit.info(silenced);
    assertThat(output()).doesNotContain(silenced);
    String rootDebug = probe(MeshLoggers.getLogger(MeshServer.class));
    assertThat(output()).contains(rootDebug);

    ConfigFiles.write(dir.resolve("mesh.yaml"), "log.level: debug\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
    String written = "audit " + UUID.randomUUID();
    audit.info(written);
    assertThat(output()).contains("INFO " + AuditLog.LOGGER_NAME + " - " + written);
  }

  @Test
  void badLevelOrCategoryChangesNothingAndNamesTheKey() throws Exception {
    ConfigFiles.write(dir.resolve("mesh.yaml"), "log.levels.tls: debug\n");
    start();
    ConfigWatcher watcher = server.configWatcher().orElseThrow();

    ConfigFiles.write(dir.resolve("mesh.yaml"), "log.levels.tls: info\nlog.level: loud\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.REJECTED) == 1);
    assertThat(watcher.lastReport().orElseThrow().error())
        .hasValueSatisfying(error -> assertThat(error).contains("log.level").contains("loud"));
    ConfigFiles.write(dir.resolve("mesh.yaml"), "log.levels.tls: info\nlog.levels.tsl: debug\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.REJECTED) == 2);
    assertThat(watcher.lastReport().orElseThrow().error())
        .hasValueSatisfying(error -> assertThat(error).contains("log.levels.tsl"));
    assertThat(MeshLoggers.thresholdOf(TLS_LOGGER)).isEqualTo(LogLevel.DEBUG);
    String stillDebug = probe(MeshLoggers.getLogger(TLS_LOGGER));
    assertThat(output()).contains(stillDebug);
    assertThat(watcher.reloads(ReloadReport.Result.APPLIED)).isZero();

    // A restart-only key next to a level change: the level is applied, the port reported.
    ConfigFiles.write(dir.resolve("mesh.yaml"), "log.levels.tls: warn\nserver.worker-threads: 3\n");
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);
    ReloadReport report = watcher.lastReport().orElseThrow();
    assertThat(report.applied())
        .extracting(ConfigChange::toString)
        .containsExactly("log.levels.tls debug -> warn");
    assertThat(report.needsRestart())
        .extracting(ConfigChange::describeInParentheses)
        .containsExactly("server.worker-threads (10 -> 3)");
    assertThat(output()).contains("needs restart: server.worker-threads (10 -> 3)");
    assertThat(MeshLoggers.thresholdOf(TLS_LOGGER)).isEqualTo(LogLevel.WARN);
  }

  /** Writes a unique DEBUG line on {@code logger}; its text. */
  private static String probe(Logger logger) {
    String text = "probe " + UUID.randomUUID();
    logger.debug("{}", text);
    return text;
  }

  private String output() {
    return stderr.text();
  }

  private void start() {
    server =
        MeshApplication.start(
            new String[] {
              "--server.host=127.0.0.1",
              "--server.port=0",
              "--tls.mode=plaintext",
              "--metrics.port=0",
              "--server.shutdown-grace=1s"
            },
            List.of(ConfigReloadTest.binding()),
            Map.of(),
            dir);
  }
}
