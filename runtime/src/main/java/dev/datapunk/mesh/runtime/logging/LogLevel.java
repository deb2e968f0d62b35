package dev.datapunk.mesh.runtime.logging;

/**
 * A threshold of the mesh's log level gate ({@code log.level}, {@code log.levels.<category>}), in
 * increasing order of severity: a logger with threshold {@code INFO} passes INFO, WARN and ERROR on
 * to the SLF4J backend; {@code OFF} passes nothing.
 */
public enum LogLevel {
  /** Everything. */
  TRACE,
  /** DEBUG and above. */
  DEBUG,
  /** INFO and above (the default). */
  INFO,
  /** WARN and ERROR. */
  WARN,
  /** ERROR only. */
  ERROR,
  /** Nothing. */
  OFF
}
