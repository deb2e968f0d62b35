package dev.datapunk.mesh.runtime.config;

/** Response compression ({@code server.compression}). */
public enum Compression {
  /** Responses are sent uncompressed. */
  NONE,
  /** Responses are gzip-compressed when the client accepts gzip. */
  GZIP
}
