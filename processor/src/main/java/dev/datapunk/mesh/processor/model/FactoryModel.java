package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import javax.lang.model.element.ExecutableElement;

/**
 * One valid {@code @MeshFactory} method.
 *
 * @param element the method
 * @param owner the class declaring it
 * @param methodName its name
 * @param service the {@code @MeshService} class it creates
 */
public record FactoryModel(
    ExecutableElement element, ClassName owner, String methodName, ClassName service) {}
