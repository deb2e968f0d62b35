/** Heap retained per rate-limited client, ours against Bucket4j's. */
package dev.datapunk.mesh.bench.memory;
