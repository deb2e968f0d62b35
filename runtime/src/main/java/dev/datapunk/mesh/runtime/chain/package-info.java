/**
 * Assembly of the per-call chain: each RPC method gets exactly the interceptors its policy needs,
 * in the order metrics, identity allow list, authentication, authorization, rate limit, adaptive
 * limit, request parsing, the application's own stages, service.
 */
package dev.datapunk.mesh.runtime.chain;
