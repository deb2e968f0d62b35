package dev.datapunk.mesh.runtime;

import java.util.List;

/**
 * Entry point of generated bootstrap classes: loads configuration, starts one server with every
 * binding, and blocks until it has shut down.
 */
public final class MeshApplication {

  private MeshApplication() {}

  /**
   * Runs the mesh server for {@code bindings} with configuration from defaults, {@code mesh.yaml}
   * (or {@code --config}), {@code MESH_*} environment variables and {@code --key=value} arguments.
   * Exits the JVM with status 2 when configuration is invalid.
   */
  public static void run(String[] args, List<MeshBinding> bindings) {
    throw new UnsupportedOperationException("not yet");
  }
}
