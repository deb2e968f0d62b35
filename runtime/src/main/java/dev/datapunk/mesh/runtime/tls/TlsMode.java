package dev.datapunk.mesh.runtime.tls;

/** Transport security of the gRPC port ({@code tls.mode}). */
public enum TlsMode {
  /** TLS, and every client must present a certificate chained to {@code tls.ca}. */
  MTLS,
  /** TLS with a server certificate only; clients are not authenticated by the transport. */
  TLS,
  /** No transport security; only when asked for explicitly. */
  PLAINTEXT
}
