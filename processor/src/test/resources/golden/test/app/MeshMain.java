package test.app;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
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
   * Starts every mesh service of this module in one server; see {@link MeshApplication}.
   */
  public static void main(String[] args) {
    MeshApplication.run(args, bindings());
  }

  /**
   * Every mesh service of this module, each created with {@code new}.
   */
  public static List<MeshBinding> bindings() {
    return List.of(
        new OrderService_MeshBinding(new OrderService()));
  }
}
