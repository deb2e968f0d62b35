package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.LoadedConfig;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenCommand;
import dev.datapunk.mesh.runtime.server.MeshServer;
import dev.datapunk.mesh.runtime.server.ServerAssembly;
import dev.datapunk.mesh.runtime.server.StartupException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Entry point of generated bootstrap classes: loads configuration, starts one server with every
 * part of a {@link MeshModule}, and blocks until it has shut down.
 *
 * <p>Command line: {@code [--config=FILE] [--key=value ...]} runs the server; {@code --help} lists
 * the commands and every configuration key; {@code dev-token --subject=S --scopes=a,b [--ttl=1h]}
 * prints a token signed with the development key (only meaningful while {@code auth.jwt.jwks} is
 * unset), {@code dev-token --help} its options.
 *
 * <p>Exit status: 0 after help; 2 for a bad command line or configuration (the message names the
 * key and where it came from); 1 when the server cannot start; 0 after SIGTERM or SIGINT, once the
 * server has drained in the JVM's shutdown hook (calls still in flight when {@code
 * server.shutdown-grace} ends are cancelled, and the status is 0 all the same). The hook ends the
 * JVM with {@link Runtime#halt(int)} so the signal's status (143 for SIGTERM) is not reported:
 * other shutdown hooks still running at that moment are cut off, and {@code System.exit(n)} called
 * by service code also ends with 0 (see {@code DrainingShutdownHook}).
 */
public final class MeshApplication {

  private static final Logger log = MeshLoggers.getLogger(MeshApplication.class);

  /** The subcommand that mints a development token. */
  public static final String DEV_TOKEN_COMMAND = "dev-token";

  private MeshApplication() {}

  /**
   * Runs the mesh server for {@code module} (its services, user stages, health checks and global
   * exception handlers) with configuration from defaults, {@code mesh.yaml} (or {@code --config}),
   * {@code MESH_*} environment variables and {@code --key=value} arguments, until SIGTERM or
   * SIGINT; exits the JVM with a non-zero status when it cannot run. The generated bootstrap's
   * {@code main} calls it with {@code module()}.
   */
  public static void run(String[] args, MeshModule module) {
    run(args, () -> module);
  }

  /**
   * {@link #run(String[], MeshModule)} with the module created only once the configuration is
   * loaded, just before the server is assembled: the services' constructors and
   * {@code @MeshFactory} methods may then read {@code AppSettings.current()} and {@code
   * MeshChannels.current()}. The generated bootstrap's {@code main} calls it with {@code
   * MeshMain::module}. Nothing is created for {@code --help}, {@code dev-token} or a configuration
   * that does not load.
   */
  public static void run(String[] args, Supplier<MeshModule> module) {
    int status = run(args, module, System.getenv(), Path.of(""), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** {@link #run(String[], MeshModule)} for a module of {@code bindings} alone. */
  public static void run(String[] args, List<MeshBinding> bindings) {
    run(args, MeshModule.of(bindings));
  }

  static int run(
      String[] args,
      MeshModule module,
      Map<String, String> env,
      Path workingDir,
      PrintStream out,
      PrintStream err) {
    return run(args, () -> module, env, workingDir, out, err);
  }

  static int run(
      String[] args,
      Supplier<MeshModule> module,
      Map<String, String> env,
      Path workingDir,
      PrintStream out,
      PrintStream err) {
    if (args.length > 0 && args[0].equals(DEV_TOKEN_COMMAND)) {
      return devToken(Arrays.copyOfRange(args, 1, args.length), env, workingDir, out, err);
    }
    MeshServer server;
    try {
      LoadedConfig loaded = ConfigLoader.load(args, env, workingDir);
      if (loaded.helpRequested()) {
        out.print(ProgramHelp.render());
        return 0;
      }
      if (!loaded.arguments().isEmpty()) {
        err.println(
            "mesh: unexpected argument \""
                + loaded.arguments().get(0)
                + "\"; options are --key=value, commands: "
                + DEV_TOKEN_COMMAND
                + " (see --help)");
        return 2;
      }
      server = ServerAssembly.assemble(loaded, module).start();
    } catch (ConfigException e) {
      err.println("mesh: " + e.getMessage());
      return 2;
    } catch (StartupException | RuntimeException e) {
      err.println("mesh: cannot start: " + e.getMessage());
      log.debug("Start-up failure", e);
      return 1;
    }
    DrainingShutdownHook.register(server);
    try {
      server.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  /**
   * Starts a server exactly as {@link #run(String[], MeshModule)} would, without a shutdown hook,
   * and returns it running; for tests and for embedding. The caller closes it.
   *
   * @throws ConfigException for a bad command line or configuration
   * @throws IllegalStateException when the server cannot start
   */
  public static MeshServer start(
      String[] args, MeshModule module, Map<String, String> env, Path workingDir) {
    return start(args, () -> module, env, workingDir);
  }

  /**
   * {@link #start(String[], MeshModule, Map, Path)} with the module created once the configuration
   * is loaded, as {@link #run(String[], Supplier)} does.
   */
  public static MeshServer start(
      String[] args, Supplier<MeshModule> module, Map<String, String> env, Path workingDir) {
    LoadedConfig loaded = ConfigLoader.load(args, env, workingDir);
    try {
      return ServerAssembly.assemble(loaded, module).start();
    } catch (StartupException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** {@link #start(String[], MeshModule, Map, Path)} for a module of {@code bindings} alone. */
  public static MeshServer start(
      String[] args, List<MeshBinding> bindings, Map<String, String> env, Path workingDir) {
    return start(args, MeshModule.of(bindings), env, workingDir);
  }

  /**
   * Runs {@code dev-token}. The options that say where the signing key lives ({@code --dev.dir} and
   * {@code --config}) are read like the server reads them; every other argument is the command's.
   */
  private static int devToken(
      String[] args, Map<String, String> env, Path workingDir, PrintStream out, PrintStream err) {
    List<String> configArgs = new ArrayList<>();
    List<String> commandArgs = new ArrayList<>();
    for (String arg : args) {
      boolean locatesKey = arg.startsWith("--dev.dir=") || arg.startsWith("--config=");
      (locatesKey ? configArgs : commandArgs).add(arg);
    }
    Path devDir;
    try {
      devDir =
          ConfigLoader.load(configArgs.toArray(String[]::new), env, workingDir).config().devDir();
    } catch (ConfigException e) {
      err.println("mesh: " + e.getMessage());
      return 2;
    }
    return DevTokenCommand.run(
        commandArgs.toArray(String[]::new), workingDir.resolve(devDir), out, err);
  }
}
