/** The per-method policy model that generated bindings hold as constants. */
package dev.datapunk.mesh.runtime.policy;
