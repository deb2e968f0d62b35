/**
 * Assembly of the per-call chain: each RPC method gets exactly the interceptors its policy needs,
 * in the order metrics, authentication, authorization, rate limit, service.
 */
package dev.datapunk.mesh.runtime.chain;
