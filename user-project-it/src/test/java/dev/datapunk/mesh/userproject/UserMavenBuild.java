package dev.datapunk.mesh.userproject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Maven build of a user's project, run by the same Maven installation that runs this build, as a
 * separate process. Its local repository is its own: it holds this reactor's artifacts (installed
 * there by invoker:install) and takes everything else from the shared local repository, read as a
 * remote repository, and then from Maven Central, so nothing is ever installed into the shared one.
 */
final class UserMavenBuild {

  private static final long TIMEOUT_MINUTES = 5;

  private final Path mavenHome;
  private final Path localRepository;
  private final Path sharedRepository;

  UserMavenBuild(Path mavenHome, Path localRepository, Path sharedRepository) {
    this.mavenHome = mavenHome;
    this.localRepository = localRepository;
    this.sharedRepository = sharedRepository;
  }

  /** The outcome of one build: its exit status and everything it printed. */
  record Result(int exitStatus, String output) {

    /** The last {@code count} lines of the output, for a failure message. */
    String tail(int count) {
      List<String> lines = output.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
  }

  /**
   * Runs {@code mvn -B -ntp ARGS} in {@code projectDir}; its settings file and its output ({@code
   * user-build.log}) are kept in {@code logDir}.
   *
   * @throws IllegalStateException if the build does not end within five minutes
   */
  Result run(Path projectDir, Path logDir, String... args)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path settings = writeSettings(logDir.resolve("user-build-settings.xml"));
    Path log = logDir.resolve("user-build.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                mavenHome.resolve("bin").resolve("mvn").toString(),
                "-B",
                "-ntp",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + localRepository));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(projectDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "the user build took longer than "
                + TIMEOUT_MINUTES
                + " minutes; its output is in "
                + log);
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
      }
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /**
   * Settings that add the shared local repository as a remote one, in front of Maven Central, for
   * releases only: SNAPSHOTs (this reactor's) come from the build's own local repository alone.
   * Checksums are ignored because a local repository keeps none.
   */
  private Path writeSettings(Path file) throws IOException {
    String repository =
        "<id>shared-local-repository</id><url>"
            + sharedRepository.toUri()
            + "</url>"
            + "<releases><checksumPolicy>ignore</checksumPolicy></releases>"
            + "<snapshots><enabled>false</enabled></snapshots>";
    String settings =
        """
        <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
          <profiles>
            <profile>
              <id>shared-local-repository</id>
              <repositories><repository>%1$s</repository></repositories>
              <pluginRepositories><pluginRepository>%1$s</pluginRepository></pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>shared-local-repository</activeProfile></activeProfiles>
        </settings>
        """
            .formatted(repository);
    Files.writeString(file, settings, StandardCharsets.UTF_8);
    return file;
  }
}
