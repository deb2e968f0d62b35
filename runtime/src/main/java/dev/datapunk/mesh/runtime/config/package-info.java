/**
 * Layered server configuration: built-in defaults, then {@code mesh.yaml} (or the file named by
 * {@code --config=PATH} or the {@code MESH_CONFIG} environment variable), then {@code MESH_*}
 * environment variables, then {@code --key=value} command-line options; a later layer wins.
 *
 * <p>Every key is declared once in {@link dev.datapunk.mesh.runtime.config.ConfigKeys} with its
 * parser, default and description; {@link dev.datapunk.mesh.runtime.config.ConfigLoader} reads the
 * layers and fails with a {@link dev.datapunk.mesh.runtime.config.ConfigException} naming the key
 * and where its value came from when anything is unknown or invalid; {@link
 * dev.datapunk.mesh.runtime.config.MeshConfig} is the immutable, typed result, read by concern
 * ({@code server()}, {@code tls()}, {@code jwt()}, ...). Settings types an engine owns are produced
 * here; engines never depend on this package.
 */
package dev.datapunk.mesh.runtime.config;
