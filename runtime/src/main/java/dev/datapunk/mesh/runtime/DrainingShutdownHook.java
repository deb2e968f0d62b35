package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.server.MeshServer;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.slf4j.Logger;

/**
 * The JVM shutdown hook of {@link MeshApplication}: drains the server (SIGTERM, SIGINT) and then
 * halts the JVM with status 0, so an orchestrator sees a clean exit instead of the signal's 143.
 *
 * <p>Why a halt: once a signal has started the JVM's shutdown, its exit status is fixed at 128 +
 * signal; {@link Runtime#halt(int)} is the only documented way to end with another status without
 * {@code sun.misc.Signal}. What the halt skips, and why that is acceptable here:
 *
 * <ul>
 *   <li>Other shutdown hooks run concurrently with this one; any still running when the drain ends
 *       is cut off. The mesh registers no other hook; an application that adds its own must finish
 *       it within the drain (the drain takes at least as long as the calls in flight).
 *   <li>Buffered output: this hook flushes {@link System#out} and {@link System#err} first, which
 *       is where the bundled SLF4J simple logger writes. A logging backend with its own
 *       asynchronous buffer must be flushed by a hook that finishes within the drain.
 *   <li>The status of {@code System.exit(n)} called by service code: that also runs this hook, and
 *       the process then ends with 0, not n.
 * </ul>
 */
final class DrainingShutdownHook implements Runnable {

  private static final Logger log = MeshLoggers.getLogger(DrainingShutdownHook.class);

  /** The status the process ends with after a drain. */
  static final int EXIT_STATUS = 0;

  /** The status the process ends with when closing the server threw. */
  static final int FAILED_EXIT_STATUS = 1;

  private final AutoCloseable server;
  private final IntConsumer halt;

  /**
   * A hook that closes {@code server} and then calls {@code halt} with {@link #EXIT_STATUS}, or
   * {@link #FAILED_EXIT_STATUS} when closing threw.
   */
  DrainingShutdownHook(AutoCloseable server, IntConsumer halt) {
    this.server = Objects.requireNonNull(server, "server");
    this.halt = Objects.requireNonNull(halt, "halt");
  }

  /** Registers a hook for {@code server} that halts the JVM after the drain. */
  static void register(MeshServer server) {
    Runtime runtime = Runtime.getRuntime();
    runtime.addShutdownHook(
        new Thread(new DrainingShutdownHook(server, runtime::halt), "mesh-shutdown"));
  }

  @Override
  public void run() {
    int status = FAILED_EXIT_STATUS;
    try {
      server.close();
      status = EXIT_STATUS;
    } catch (Exception e) {
      log.error("Shutdown failed; exiting with status {}", FAILED_EXIT_STATUS, e);
    } finally {
      System.out.flush();
      System.err.flush();
      halt.accept(status);
    }
  }
}
