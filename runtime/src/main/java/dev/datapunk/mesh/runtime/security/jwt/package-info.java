/**
 * JWT bearer-token verification with nimbus-jose-jwt: {@link
 * dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier} (allow-listed asymmetric algorithms, key
 * selection by {@code kid}, claim checks with clock skew, a bounded cache of verified tokens), the
 * key sources it reads ({@link dev.datapunk.mesh.runtime.security.jwt.JwkSetSource}, {@link
 * dev.datapunk.mesh.runtime.security.jwt.JwksFileSource}), and the development signing key and
 * token minting used by the embedded defaults ({@link
 * dev.datapunk.mesh.runtime.security.jwt.DevSigningKey}, {@link
 * dev.datapunk.mesh.runtime.security.jwt.DevTokens}, {@link
 * dev.datapunk.mesh.runtime.security.jwt.DevTokenCommand}).
 *
 * <p>Nothing in this package logs a token or key material.
 */
package dev.datapunk.mesh.runtime.security.jwt;
