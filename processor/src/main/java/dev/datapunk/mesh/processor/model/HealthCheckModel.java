package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import javax.lang.model.element.TypeElement;

/**
 * One valid {@code @MeshHealthCheck} class.
 *
 * @param element the class
 * @param type its name
 */
public record HealthCheckModel(TypeElement element, ClassName type) {}
