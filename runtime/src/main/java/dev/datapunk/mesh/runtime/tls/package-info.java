/**
 * Transport security: the server's TLS/mTLS credentials with certificate rotation without a restart
 * ({@link dev.datapunk.mesh.runtime.tls.ServerTls}), the development PKI created on first start
 * ({@link dev.datapunk.mesh.runtime.tls.DevPki}), the verified peer identity of a call ({@link
 * dev.datapunk.mesh.runtime.tls.PeerIdentity}), the allow list of client identities ({@link
 * dev.datapunk.mesh.runtime.tls.AllowedIdentities}, enforced per call by {@code
 * runtime.security.PeerAllowList}) and client credentials for tests, benchmarks and examples
 * ({@link dev.datapunk.mesh.runtime.tls.ClientTls}).
 *
 * <p>Everything here logs on the logger {@code dev.datapunk.mesh.runtime.tls} and never logs
 * private-key material.
 */
package dev.datapunk.mesh.runtime.tls;
