/**
 * Dependency faults at server level (issue 8): a real mesh server started from configuration on
 * 127.0.0.1 under continuous client load while its Redis dies and returns, its JWKS file turns to
 * garbage, and its certificate files are replaced with garbage or mismatched material.
 */
package dev.datapunk.mesh.runtime.reliability;
