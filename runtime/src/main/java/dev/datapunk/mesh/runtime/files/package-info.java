/** File writes the runtime shares: atomic replacement with permissions set at creation. */
package dev.datapunk.mesh.runtime.files;
