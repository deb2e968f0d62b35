/**
 * The benchmarked service ({@link dev.datapunk.mesh.bench.service.EchoMeshService}), compiled by
 * the mesh annotation processor, which also writes this module's bootstrap {@code MeshMain}.
 */
package dev.datapunk.mesh.bench.service;
