/**
 * Call-path security: bearer-token verification, the caller's principal, and the authentication
 * and authorization stages of the per-call chain.
 */
package dev.datapunk.mesh.runtime.security;
