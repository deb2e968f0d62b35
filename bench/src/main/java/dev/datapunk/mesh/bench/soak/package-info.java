/**
 * The mixed load of the soak run (bench/soak.sh): good, rejected, new-identity and unknown-method
 * calls.
 */
package dev.datapunk.mesh.bench.soak;
