/**
 * The annotations a service author puts on a grpc-java service implementation ({@link
 * dev.datapunk.mesh.annotations.MeshService}, {@link dev.datapunk.mesh.annotations.Secured}, {@link
 * dev.datapunk.mesh.annotations.RateLimit}, {@link dev.datapunk.mesh.annotations.Public}), and
 * those that extend what the generated bootstrap runs: exception handlers ({@link
 * dev.datapunk.mesh.annotations.MeshExceptionHandler}, {@link
 * dev.datapunk.mesh.annotations.MeshAdvice}), call stages ({@link
 * dev.datapunk.mesh.annotations.MeshStage}), health checks ({@link
 * dev.datapunk.mesh.annotations.MeshHealthCheck}) and service factories ({@link
 * dev.datapunk.mesh.annotations.MeshFactory}).
 *
 * <p>All have {@code CLASS} retention: the annotation processor reads them at compile time and the
 * generated code carries the resolved policies as constants, so nothing reads them at run time.
 */
package dev.datapunk.mesh.annotations;
