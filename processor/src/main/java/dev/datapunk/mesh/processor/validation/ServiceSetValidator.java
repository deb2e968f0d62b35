package dev.datapunk.mesh.processor.validation;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.TypeElement;

/**
 * Checks each {@code @MeshService} class against the others of the compilation: one class per gRPC
 * service ({@code [MeshServiceDuplicate]}), and none after the bootstrap was written ({@code
 * [MeshServiceLate]}), since the bootstrap would not start it. Remembers every class it was shown,
 * so use one instance per compilation.
 */
public final class ServiceSetValidator {

  /** gRPC service name to the qualified name of the first class implementing it. */
  private final Map<String, String> boundServices = new HashMap<>();

  private Optional<String> writtenBootstrap = Optional.empty();

  /**
   * Validates {@code service}, which implements the gRPC service {@code grpcServiceName}, and
   * remembers it.
   */
  public ValidationReport validate(TypeElement service, String grpcServiceName) {
    ValidationReport report = new ValidationReport();
    String name = service.getSimpleName().toString();
    String previous =
        boundServices.putIfAbsent(grpcServiceName, service.getQualifiedName().toString());
    if (previous != null) {
      report.onElement(Message.SERVICE_DUPLICATE, service, name, grpcServiceName, previous);
    }
    writtenBootstrap.ifPresent(
        bootstrap -> report.onElement(Message.SERVICE_LATE, service, name, bootstrap));
    return report;
  }

  /** The bootstrap {@code canonicalName} was written: services validated from now on are late. */
  public void bootstrapWritten(String canonicalName) {
    writtenBootstrap = Optional.of(Objects.requireNonNull(canonicalName, "canonicalName"));
  }
}
