package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.List;

/**
 * The one bootstrap class of a compilation.
 *
 * @param className its name
 * @param services every valid mesh service of the compilation, in the order they were found
 * @param extensions the user stages, health checks, global exception handlers and factories
 */
public record BootstrapModel(
    ClassName className, List<ServiceModel> services, ExtensionsModel extensions) {

  public BootstrapModel {
    services = List.copyOf(services);
  }
}
