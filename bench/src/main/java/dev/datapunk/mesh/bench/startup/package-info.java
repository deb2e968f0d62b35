/** Start-up time to health SERVING, mesh bootstrap against a bare grpc-java main. */
package dev.datapunk.mesh.bench.startup;
