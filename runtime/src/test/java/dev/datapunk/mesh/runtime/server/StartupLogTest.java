package dev.datapunk.mesh.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.UnprotectedSimpleService;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a server started as the generated bootstrap starts it tells the operator on its log: how to
 * mint a development token that can call its methods, and the policy each method is served with.
 * Read from standard error, where the tests' slf4j-simple backend writes.
 */
class StartupLogTest {

  private static final String SERVICE = "grpc.testing.SimpleService/";

  /** SimpleService with scopes and limits of its own, none of the sample's. */
  private static MeshBinding ordersBinding() {
    List<MethodPolicy> policies =
        List.of(
            MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
                .requireScopes("orders:write", "admin")
                .rateLimit(5, 5)
                .build(),
            MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod())
                .publicAccess()
                .rateLimit(50, 100)
                .build(),
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod())
                .requireScopes("orders:read")
                .rateLimit(0.5, 2)
                .build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build());
    return MeshBinding.of(new SimpleServiceGrpc.SimpleServiceImplBase() {}.bindService(), policies);
  }

  @Test
  void theDevTokenHintNamesTheScopesOfTheServedMethodsSorted(@TempDir Path dir) {
    String log = startAndCaptureLog(dir, ordersBinding());
    assertThat(hintLines(log))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .endsWith(
                        "Mint a dev token by running this program with: dev-token --subject=alice"
                            + " --scopes=admin,orders:read,orders:write"));
    assertThat(log).doesNotContain("inventory:");
  }

  @Test
  void withoutSecuredMethodsTheDevTokenHintHasNoScopes(@TempDir Path dir) {
    String log = startAndCaptureLog(dir, UnprotectedSimpleService.binding());
    assertThat(hintLines(log))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .endsWith(
                        "Mint a dev token by running this program with: dev-token"
                            + " --subject=alice"));
  }

  @Test
  void eachMethodIsLoggedOnceWithItsPolicyAndTheOverrideInForce(@TempDir Path dir) {
    String log =
        startAndCaptureLog(
            dir,
            ordersBinding(),
            "--ratelimit.override." + SERVICE + "UnaryRpc.rps=10",
            "--ratelimit.override." + SERVICE + "BidiStreamingRpc.rps=1",
            "--ratelimit.override." + SERVICE + "BidiStreamingRpc.burst=3");
    List<String> policies =
        log.lines()
            .filter(line -> line.contains(" INFO ") && line.contains(PolicyLog.PREFIX + SERVICE))
            .map(line -> line.substring(line.indexOf(PolicyLog.PREFIX)))
            .toList();
    assertThat(policies)
        .containsExactly(
            "policy "
                + SERVICE
                + "UnaryRpc: scopes orders:write, admin; 10 rps, burst 5"
                + " (ratelimit.override; annotated: 5 rps, burst 5)",
            "policy " + SERVICE + "ServerStreamingRpc: public; 50 rps, burst 100",
            "policy " + SERVICE + "ClientStreamingRpc: scopes orders:read; 0.5 rps, burst 2",
            "policy "
                + SERVICE
                + "BidiStreamingRpc: open; 1 rps, burst 3"
                + " (ratelimit.override; annotated: no rate limit)");
  }

  @Test
  void withoutOverridesThePolicyLinesAreTheBindingsOwn(@TempDir Path dir) {
    String log = startAndCaptureLog(dir, ordersBinding());
    assertThat(
            log.lines()
                .filter(line -> line.contains(PolicyLog.PREFIX + SERVICE))
                .map(line -> line.substring(line.indexOf(PolicyLog.PREFIX))))
        .containsExactly(
            "policy " + SERVICE + "UnaryRpc: scopes orders:write, admin; 5 rps, burst 5",
            "policy " + SERVICE + "ServerStreamingRpc: public; 50 rps, burst 100",
            "policy " + SERVICE + "ClientStreamingRpc: scopes orders:read; 0.5 rps, burst 2",
            "policy " + SERVICE + "BidiStreamingRpc: open; no rate limit");
  }

  private static List<String> hintLines(String log) {
    return log.lines().filter(line -> line.contains("Mint a dev token")).toList();
  }

  /**
   * Starts on loopback (plaintext, the development signing key under {@code dir}), stops, returns
   * the log.
   */
  private static String startAndCaptureLog(Path dir, MeshBinding binding, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--metrics.port=0",
                "--tls.mode=plaintext"));
    args.addAll(Arrays.asList(extra));
    try (StderrCapture stderr = StderrCapture.start()) {
      MeshApplication.start(args.toArray(String[]::new), List.of(binding), Map.of(), dir).close();
      return stderr.text();
    }
  }
}
