/**
 * The Datapunk Mesh annotation processor.
 *
 * <p>{@link dev.datapunk.mesh.processor.MeshProcessor} orchestrates three stages, each in its own
 * package: {@code validation} (checks, returned as reports), {@code model} (immutable description
 * of what to generate) and {@code writing} (JavaPoet generators). The {@code elements} package
 * reads annotations and protoc-generated stubs for the first two. {@link
 * dev.datapunk.mesh.processor.ExtensionCollector} gathers, across rounds, what the bootstrap wires
 * besides the services: stages, health checks, global exception handlers and factories.
 */
package dev.datapunk.mesh.processor;
