/**
 * The mesh test kit: mesh services served in-process behind the production call chain, for tests of
 * annotated services.
 *
 * <p>{@link dev.datapunk.mesh.test.MeshTestExtension} runs a {@link
 * dev.datapunk.mesh.test.MeshTestServer} per test or per class; a {@link
 * dev.datapunk.mesh.test.Caller} is who calls it (peer identity, token, deadline) and makes typed
 * stubs; {@link dev.datapunk.mesh.test.TokenBuilder} mints tokens the server trusts; {@link
 * dev.datapunk.mesh.test.TestClock} is the time the rate limits refill by and tokens expire by. The
 * server itself is the runtime's own ({@code MeshServer.builder}), on the in-process transport.
 */
package dev.datapunk.mesh.test;
