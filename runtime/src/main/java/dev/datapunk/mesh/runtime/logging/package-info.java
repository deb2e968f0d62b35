/**
 * Log levels of the mesh's own loggers that change at run time with any SLF4J backend: {@link
 * dev.datapunk.mesh.runtime.logging.MeshLoggers} hands out SLF4J loggers behind a volatile
 * threshold ({@link dev.datapunk.mesh.runtime.logging.LogLevels}, from {@code log.level} and {@code
 * log.levels.<category>}) that can only make them quieter than the backend allows.
 */
package dev.datapunk.mesh.runtime.logging;
