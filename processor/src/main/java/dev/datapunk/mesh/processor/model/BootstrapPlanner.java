package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Names the bootstrap class: the {@code mesh.bootstrap} option if given, else {@code MeshMain} in
 * the longest package that contains every service (the unnamed package only when every service is
 * there, since a class in a named package cannot use one in the unnamed package).
 */
public final class BootstrapPlanner {

  /** Simple name of the bootstrap when the option is not set. */
  public static final String DEFAULT_SIMPLE_NAME = "MeshMain";

  /** The outcome of planning. */
  public sealed interface Plan {
    /** A bootstrap can be generated. */
    record Planned(BootstrapModel bootstrap) implements Plan {}

    /** No named package contains every service; the option must name the bootstrap. */
    record NoCommonPackage(List<String> packages) implements Plan {}

    /** The named bootstrap is in a package, but some services are in the unnamed package. */
    record UnnamedPackageUnreachable(String bootstrap, List<String> services) implements Plan {}
  }

  /**
   * Plans the bootstrap of {@code services} (at least one) and {@code extensions}; {@code
   * qualifiedName} is the validated value of the option, if set.
   */
  public Plan plan(
      Optional<String> qualifiedName, List<ServiceModel> services, ExtensionsModel extensions) {
    if (qualifiedName.isPresent()) {
      String qualified = qualifiedName.get();
      int dot = qualified.lastIndexOf('.');
      ClassName name =
          ClassName.get(dot < 0 ? "" : qualified.substring(0, dot), qualified.substring(dot + 1));
      List<String> unreachable =
          services.stream()
              .map(ServiceModel::serviceClass)
              .filter(service -> service.packageName().isEmpty() && !name.packageName().isEmpty())
              .map(ClassName::canonicalName)
              .collect(Collectors.toList());
      return unreachable.isEmpty()
          ? new Plan.Planned(new BootstrapModel(name, services, extensions))
          : new Plan.UnnamedPackageUnreachable(qualifiedName.get(), unreachable);
    }
    List<String> packages =
        services.stream()
            .map(service -> service.serviceClass().packageName())
            .distinct()
            .collect(Collectors.toList());
    String common = commonPackage(packages);
    if (common.isEmpty() && !packages.equals(List.of(""))) {
      return new Plan.NoCommonPackage(packages);
    }
    return new Plan.Planned(
        new BootstrapModel(ClassName.get(common, DEFAULT_SIMPLE_NAME), services, extensions));
  }

  /** The longest package that is, or encloses, every one of {@code packages}. */
  static String commonPackage(List<String> packages) {
    String[] common = packages.get(0).split("\\.", -1);
    int length = common.length;
    for (String pkg : packages.subList(1, packages.size())) {
      String[] parts = pkg.split("\\.", -1);
      int same = 0;
      while (same < Math.min(length, parts.length) && common[same].equals(parts[same])) {
        same++;
      }
      length = same;
    }
    return String.join(".", java.util.Arrays.asList(common).subList(0, length));
  }
}
