package dev.datapunk.mesh.processor.validation;

import javax.lang.model.SourceVersion;

/** Checks the {@code mesh.bootstrap} processor option: a qualified Java class name. */
public final class BootstrapNameValidator {

  /** The processor option that names the bootstrap class. */
  public static final String OPTION = "mesh.bootstrap";

  /** Validates {@code name}, the value of {@code -Amesh.bootstrap}. */
  public ValidationReport validate(String name) {
    ValidationReport report = new ValidationReport();
    if (!SourceVersion.isName(name)) {
      report.onCompilation(Message.BOOTSTRAP_NAME, name);
    }
    return report;
  }
}
