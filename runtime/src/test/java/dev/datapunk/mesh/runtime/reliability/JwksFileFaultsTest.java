package dev.datapunk.mesh.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server verifying tokens against {@code auth.jwt.jwks} pointing at a local file, under load from
 * three client threads with a token of the original key, while the file is replaced with garbage,
 * an empty key set and a half-written document, and then rotated for real.
 */
class JwksFileFaultsTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String REJECTED =
      "Token signing keys not reloaded; keeping the previous keys";
  private static final MethodPolicy SECURED =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
          .requireScopes("inventory:read")
          .build();

  @TempDir Path dir;
  private MeshServer server;
  private ManagedChannel channel;
  private CallLoad load;
  private StderrCapture log;

  @AfterEach
  void stop() throws Exception {
    if (load != null) {
      load.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    if (log != null) {
      log.close();
    }
  }

  @Test
  void badJwksFilesKeepThePreviousKeysAndARealRotationTakesEffect() throws Exception {
    ECKey oldKey = new ECKeyGenerator(Curve.P_256).keyID("old-key").generate();
    ECKey newKey = new ECKeyGenerator(Curve.P_256).keyID("new-key").generate();
    String oldToken = token(oldKey);
    String newToken = token(newKey);
    Path jwks = dir.resolve("jwks.json");
    writeAtomically(jwks, jwks(oldKey));
    log = StderrCapture.start();
    server = FaultServer.start(dir, SECURED, "--tls.mode=plaintext", "--auth.jwt.jwks=" + jwks);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    assertThat(call(newToken)).isEqualTo(Status.Code.UNAUTHENTICATED);
    load =
        CallLoad.start(
            3, () -> callOrThrow(oldToken), Duration.ofMillis(5), 100_000, Duration.ofSeconds(50));

    // 1. Garbage.
    writeAtomically(jwks, "this is { not a JWKS");
    awaitRejections(jwks, 1);
    // 2. A valid document with no key in it.
    writeAtomically(jwks, "{\"keys\":[]}");
    awaitRejections(jwks, 2);
    // 3. Written in place and caught half-way: the first half of a document with both keys.
    String both = jwks(oldKey, newKey);
    int half = both.length() / 2;
    Files.writeString(jwks, both.substring(0, half), StandardCharsets.UTF_8);
    awaitRejections(jwks, 3);
    assertThat(call(newToken))
        .as("the half-written new key is not in use")
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    // ... and then completed: both keys verify.
    Files.writeString(
        jwks, both.substring(half), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    await().atMost(WAIT).until(() -> call(newToken) == Status.Code.OK);
    List<CallLoad.Call> calls = load.stop();

    assertThat(calls)
        .as("old-key calls during the bad files: %s", summary(calls))
        .hasSizeGreaterThan(50)
        .allMatch(c -> c.code() == Status.Code.OK);
    assertThat(call(oldToken)).isEqualTo(Status.Code.OK);

    // 4. A rotation that drops the old key: the file is the whole truth, old-key tokens stop
    // working.
    writeAtomically(jwks, jwks(newKey));
    await().atMost(WAIT).until(() -> call(oldToken) == Status.Code.UNAUTHENTICATED);
    assertThat(call(newToken)).isEqualTo(Status.Code.OK);

    Scrape metrics = Scrape.of(server.metricsPort().orElseThrow());
    assertThat(metrics.sum("mesh_auth_jwks_reloads_total", "result=\"rejected\"")).isEqualTo(3);
    assertThat(metrics.sum("mesh_auth_jwks_reloads_total", "result=\"applied\"")).isEqualTo(2);
    List<String> rejections = log.linesContaining(REJECTED);
    assertThat(rejections)
        .as("one error per bad version, naming the file")
        .hasSize(3)
        .allMatch(line -> line.contains("ERROR") && line.contains(jwks.toString()));
    assertThat(log.text())
        .doesNotContain(oldToken)
        .doesNotContain(newToken)
        .doesNotContain(oldKey.getD().toString())
        .doesNotContain(newKey.getD().toString());
    System.out.printf(
        "[fault figures] jwks: %d old-key calls while 3 bad files came and went, %s; errors:%n "
            + " %s%n",
        calls.size(), summary(calls), String.join("\n  ", rejections));
  }

  private void awaitRejections(Path jwks, int count) {
    await()
        .atMost(WAIT)
        .until(() -> log.linesContaining(REJECTED, jwks.toString()).size() >= count);
  }

  private Status.Code call(String token) {
    try {
      callOrThrow(token);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private void callOrThrow(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    SimpleServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build());
  }

  private static String token(ECKey key) throws JOSEException {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("alice")
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(600)))
            .claim("scope", "inventory:read")
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static String jwks(JWK... keys) {
    return new JWKSet(List.of(keys)).toString(true);
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), "jwks", ".tmp");
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Map<Status.Code, Long> summary(List<CallLoad.Call> calls) {
    return calls.stream()
        .collect(Collectors.groupingBy(CallLoad.Call::code, TreeMap::new, Collectors.counting()));
  }
}
