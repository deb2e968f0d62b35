/**
 * The application's own settings ({@code app.*} configuration keys) for service code: typed reads,
 * the latest values after a reload, and listeners told about changes; see {@link
 * dev.datapunk.mesh.runtime.settings.AppSettings}.
 */
package dev.datapunk.mesh.runtime.settings;
