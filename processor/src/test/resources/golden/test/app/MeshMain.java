package test.app;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.MeshModule;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * Starts the mesh services of this module: {@link OrderService}.
 */
@Generated("dev.datapunk.mesh.processor.MeshProcessor")
public final class MeshMain {
  private MeshMain() {
  }

  /**
   * Starts every mesh service of this module in one server, with its stages, health checks
   * and exception handlers; see {@link MeshApplication}. The module is created once the configuration
   * is loaded, so constructors and factories may read its {@code app.*} settings.
   */
  public static void main(String[] args) {
    MeshApplication.run(args, MeshMain::module);
  }

  /**
   * Everything this module runs: {@link #bindings()} and {@link #extensions()}.
   */
  public static MeshModule module() {
    return extensions().bindings(bindings()).build();
  }

  /**
   * Every mesh service of this module, each created with {@code new} or its
   * {@code @MeshFactory} method.
   */
  public static List<MeshBinding> bindings() {
    return List.of(
        new OrderService_MeshBinding(new OrderService()));
  }

  /**
   * The user stages, health checks and global exception handlers of this module, without its
   * services: for a main of your own that creates the services and adds them.
   */
  public static MeshModule.Builder extensions() {
    return MeshModule.builder();
  }
}
