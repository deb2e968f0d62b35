/**
 * grpc.health.v1 status of the mesh server and its services: NOT_SERVING before start and from the
 * first moment of shutdown, and while a dependency {@link
 * dev.datapunk.mesh.runtime.health.HealthCheck} fails; checks run on their own scheduler thread,
 * never on a health call.
 */
package dev.datapunk.mesh.runtime.health;
