/**
 * The server: {@link dev.datapunk.mesh.runtime.server.MeshServer} runs it (start, drain, close);
 * {@link dev.datapunk.mesh.runtime.server.ServerAssembly} turns configuration into engines once,
 * and {@link dev.datapunk.mesh.runtime.server.MeshServerBuilder}, the embedding path with engines
 * of the caller's own, hands them to the wiring that builds the call chain, the thread pools and
 * the Netty server. Engines never depend on this package or on the configuration; this is where the
 * two meet.
 */
package dev.datapunk.mesh.runtime.server;
