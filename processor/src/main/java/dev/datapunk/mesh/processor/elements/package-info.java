/**
 * Reading what the compiler knows: the mesh annotations on an element, the structure of the
 * protoc-generated gRPC stub class a service extends, and the library types extension points are
 * checked against ({@link dev.datapunk.mesh.processor.elements.RuntimeTypes}).
 *
 * <p>Both the validation and the model stage need this, so it sits apart from either. Everything
 * here works on {@code javax.lang.model} elements only, whether they come from sources of the
 * current compilation or from class files on the class path.
 */
package dev.datapunk.mesh.processor.elements;
