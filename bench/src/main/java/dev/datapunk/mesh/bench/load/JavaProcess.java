package dev.datapunk.mesh.bench.load;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A JVM started for a benchmark (a server under load, or a start-up run): the same {@code java}
 * binary and class path as this JVM, the given flags, its output appended to a log file. Stopped
 * with SIGTERM, by its own handle.
 */
public final class JavaProcess implements AutoCloseable {

  private final Process process;

  private JavaProcess(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code mainClass} with {@code args} in {@code workingDir}.
   *
   * @param jvmFlags flags placed before {@code -cp}, e.g. heap size
   * @param log file the process's stdout and stderr are appended to
   */
  public static JavaProcess start(
      List<String> jvmFlags, String mainClass, List<String> args, Path workingDir, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(absoluteClassPath());
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("MESH_"));
    return new JavaProcess(builder.start());
  }

  /** This JVM's class path with every entry absolute, since the child runs in another directory. */
  private static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the process is still running. */
  /**
   * CPU time (user and system, all threads) the process has used so far in nanoseconds, as the OS
   * reports it (on Linux in clock ticks, 10 ms), or {@link LoadResult#UNKNOWN} if it cannot say.
   */
  public long cpuNanos() {
    return process
        .toHandle()
        .info()
        .totalCpuDuration()
        .map(Duration::toNanos)
        .orElse(LoadResult.UNKNOWN);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM and waits up to 30 s, then kills it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
