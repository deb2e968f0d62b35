package dev.datapunk.mesh.runtime.security.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.datapunk.mesh.runtime.security.MeshTestServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-token corpus sent over the wire: a real mesh server started from configuration (JWKS
 * file, issuer, audience) over mTLS on loopback. Each case asserts the exact status and description
 * the client sees, and that no service code ran.
 */
class HostileTokenOverTheWireTest {

  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "inventory";

  @TempDir static Path dir;

  static RSAKey rsa;
  static ECKey ec;
  static MeshTestServer.Pki pki;
  static MeshTestServer server;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    rsa = TestKeys.rsa("rsa-1");
    ec = TestKeys.ec("ec-1");
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
    pki = MeshTestServer.Pki.create(Files.createDirectories(dir.resolve("pki")));
    List<String> args = new ArrayList<>(pki.tlsArgs());
    args.addAll(
        List.of(
            "--auth.jwt.jwks=" + jwks,
            "--auth.jwt.issuer=" + ISSUER,
            "--auth.jwt.audience=" + AUDIENCE));
    server = MeshTestServer.start(dir, args);
    channel = server.channel(pki.client());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JWTClaimsSet.Builder good() {
    return TestTokens.claims(Instant.now())
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .claim("scope", "read write");
  }

  static String valid() {
    return TestTokens.sign(ec, good().build());
  }

  static Arguments unauthenticated(String name, String description, String... authorization) {
    return Arguments.of(name, authorization, Status.Code.UNAUTHENTICATED, description);
  }

  static Stream<Arguments> corpus() throws JOSEException {
    String valid = valid();
    String[] parts = valid.split("\\.", -1);
    String payloadJson = good().build().toString();
    Instant now = Instant.now();
    return Stream.of(
        unauthenticated("no authorization header", "missing bearer token"),
        unauthenticated(
            "alg none",
            "token algorithm not allowed",
            "Bearer " + TestTokens.raw("{\"alg\":\"none\"}", payloadJson, new byte[0])),
        unauthenticated(
            "HS256 signed with the RSA public key's bytes",
            "token algorithm not allowed",
            "Bearer "
                + TestTokens.signHs256(rsa.toRSAPublicKey().getEncoded(), "rsa-1", good().build())),
        unauthenticated(
            "expired",
            "token expired",
            "Bearer "
                + TestTokens.sign(
                    ec, good().expirationTime(Date.from(now.minusSeconds(120))).build())),
        unauthenticated(
            "nbf in the future",
            "token not yet valid",
            "Bearer "
                + TestTokens.sign(
                    ec, good().notBeforeTime(Date.from(now.plusSeconds(600))).build())),
        unauthenticated(
            "wrong iss",
            "token issuer not accepted",
            "Bearer " + TestTokens.sign(ec, good().issuer("https://evil.test").build())),
        unauthenticated(
            "wrong aud",
            "token audience not accepted",
            "Bearer " + TestTokens.sign(ec, good().audience("billing").build())),
        unauthenticated(
            "signature from another key with the same kid",
            "invalid token signature",
            "Bearer " + TestTokens.sign(TestKeys.ec("ec-1"), good().build())),
        unauthenticated(
            "unknown kid",
            "token signed by an unknown key",
            "Bearer " + TestTokens.sign(TestKeys.ec("ec-404"), good().build())),
        unauthenticated(
            "truncated",
            "invalid token signature",
            "Bearer " + valid.substring(0, valid.length() - 8)),
        unauthenticated(
            "2 segments", "malformed bearer token", "Bearer " + parts[0] + "." + parts[1]),
        unauthenticated("4 segments", "malformed bearer token", "Bearer " + valid + "." + parts[2]),
        unauthenticated(
            "invalid base64",
            "malformed bearer token",
            "Bearer "
                + parts[0]
                + "."
                + parts[1].substring(0, 8)
                + "*"
                + parts[1].substring(9)
                + "."
                + parts[2]),
        unauthenticated("Basic scheme", "missing bearer token", "Basic YWxpY2U6c2VjcmV0"),
        unauthenticated("Bearer without a token", "missing bearer token", "Bearer "),
        unauthenticated(
            "two authorization headers",
            "malformed bearer token",
            "Bearer " + valid,
            "Bearer " + valid),
        Arguments.of(
            "valid token lacking the scope",
            new String[] {"Bearer " + TestTokens.sign(ec, good().claim("scope", "write").build())},
            Status.Code.PERMISSION_DENIED,
            "token lacks scope read"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("corpus")
  void rejectedWithItsExactStatus(
      String name, String[] authorization, Status.Code code, String description) {
    int before = server.serviceCalls();
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class, () -> MeshTestServer.unary(channel, authorization));
    assertThat(e.getStatus().getCode()).as(name).isEqualTo(code);
    assertThat(e.getStatus().getDescription()).as(name).isEqualTo(description);
    assertThat(server.serviceCalls()).as("no service code ran for " + name).isEqualTo(before);
  }

  @Test
  void a64KibTokenIsNotEvenSentByAGrpcJavaClient() {
    int before = server.serviceCalls();
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> MeshTestServer.unary(channel, "Bearer " + "e".repeat(64 * 1024)));
    // The server advertises SETTINGS_MAX_HEADER_LIST_SIZE 8192; grpc-java's HPACK encoder refuses
    // to send a larger header list and fails the call locally.
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getCause())
        .hasMessageContaining("Header size exceeded max allowed size (8192)");
    assertThat(server.serviceCalls()).isEqualTo(before);
    // The connection survives: the next good call on it works.
    assertThat(MeshTestServer.unary(channel, "Bearer " + valid()))
        .isEqualTo("alice|" + MeshTestServer.CLIENT_ID);
  }

  /**
   * A client that ignores the advertised limit (the JDK's HTTP/2 client): netty answers a header
   * list a little over 8 KiB with HTTP 431 on that stream, and one far over it (64 KiB) by closing
   * the connection with GOAWAY. Either way no gRPC call starts.
   */
  @Test
  void oversizedTokensFromAClientIgnoringTheLimitAreRefusedByTheServer() throws Exception {
    int before = server.serviceCalls();
    RawHttp2Call.Result huge =
        RawHttp2Call.unary(server.server().port(), pki, "Bearer " + "e".repeat(64 * 1024));
    // The server refuses the header block and closes the connection; depending on who wins the race
    // the client sees the GOAWAY, a reset or a broken pipe. Either way no call was made (checked
    // below).
    assertThat(huge.failure()).containsAnyOf("GOAWAY received", "Connection reset", "Broken pipe");
    assertThat(huge.httpStatus()).isNotEqualTo(200);
    RawHttp2Call.Result large =
        RawHttp2Call.unary(server.server().port(), pki, "Bearer " + "e".repeat(9 * 1024));
    assertThat(large.httpStatus()).isEqualTo(431);
    assertThat(large.grpcStatus()).isEmpty();
    assertThat(server.serviceCalls()).isEqualTo(before);
    // The raw client does reach the service with a good token (its grpc-status is a trailer, which
    // the JDK client does not expose), so the refusals above are the server's.
    RawHttp2Call.Result good = RawHttp2Call.unary(server.server().port(), pki, "Bearer " + valid());
    assertThat(good.httpStatus()).isEqualTo(200);
    assertThat(server.serviceCalls()).isEqualTo(before + 1);
  }

  @Test
  void theSchemeIsCaseInsensitive() {
    String token = valid();
    assertThat(MeshTestServer.unary(channel, "bearer " + token))
        .isEqualTo("alice|" + MeshTestServer.CLIENT_ID);
    assertThat(MeshTestServer.unary(channel, "BEARER " + token))
        .isEqualTo("alice|" + MeshTestServer.CLIENT_ID);
  }

  @Test
  void aPublicMethodIgnoresEvenAHostileToken() {
    assertThat(MeshTestServer.publicCall(channel)).isEqualTo(MeshTestServer.CLIENT_ID);
  }
}
