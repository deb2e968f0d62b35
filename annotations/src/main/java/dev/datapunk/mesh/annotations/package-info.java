/**
 * The annotations a service author puts on a grpc-java service implementation.
 *
 * <p>All have {@code CLASS} retention: the annotation processor reads them at compile time and the
 * generated code carries the resolved policies as constants, so nothing reads them at run time.
 */
package dev.datapunk.mesh.annotations;
