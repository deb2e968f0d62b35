/** grpc.health.v1 status of the mesh server and its services. */
package dev.datapunk.mesh.runtime.health;
