/**
 * Calls from a mesh service to other mesh services: {@link
 * dev.datapunk.mesh.runtime.client.MeshChannels}, one channel per client configured under {@code
 * client.<name>.*}, with the server's transport identity (mTLS), the server's certificate checked
 * for its host name or SPIFFE identity, deadlines inherited from the server call or a default,
 * bearer tokens forwarded or read from a file, retries that honour the server's {@code RetryInfo},
 * and Micrometer's gRPC client meters.
 *
 * <p>Everything here logs on {@code dev.datapunk.mesh.runtime.client} and never logs a token.
 */
package dev.datapunk.mesh.runtime.client;
