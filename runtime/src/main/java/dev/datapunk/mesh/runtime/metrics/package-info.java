/** Per-method gRPC meters (Micrometer's names and tags) and the metrics stage of the call chain. */
package dev.datapunk.mesh.runtime.metrics;
