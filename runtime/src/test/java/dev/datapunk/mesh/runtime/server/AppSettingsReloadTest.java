package dev.datapunk.mesh.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.ConfigFiles;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.config.ConfigChange;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.ReloadReport;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import dev.datapunk.mesh.runtime.settings.AppSettings;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code app.*} settings read by service code through {@link AppSettings#current()} on a real
 * server started as the generated bootstrap starts it, while its {@code mesh.yaml} is rewritten.
 */
class AppSettingsReloadTest {

  private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private MeshServer server;
  private ManagedChannel channel;
  private AppSettings.Subscription subscription;

  @AfterEach
  void stop() {
    if (subscription != null) {
      subscription.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aChangedValueIsReadByTheNextCallAndListenersAreTold() throws Exception {
    ConfigFiles.write(dir.resolve("mesh.yaml"), "app:\n  greeting: hello\n");
    try (StderrCapture stderr = StderrCapture.start()) {
      start();
      List<Set<String>> told = new CopyOnWriteArrayList<>();
      subscription = AppSettings.current().onChange(told::add);
      assertThat(greeting()).isEqualTo("hello");

      ConfigFiles.write(dir.resolve("mesh.yaml"), "app:\n  greeting: bonjour\n");
      ConfigWatcher watcher = server.configWatcher().orElseThrow();
      await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);

      assertThat(greeting()).isEqualTo("bonjour");
      assertThat(told).containsExactly(Set.of("app.greeting"));
      assertThat(watcher.lastReport().orElseThrow().applied())
          .extracting(ConfigChange::toString)
          .containsExactly("app.greeting **** -> ****");
      assertThat(stderr.linesContaining("config reloaded: app.greeting **** -> ****")).hasSize(1);
      assertThat(stderr.text()).doesNotContain("bonjour").doesNotContain("hello");
    }
  }

  @Test
  void aBadAppValueDoesNotStopTheReloadOfMeshKeys() throws Exception {
    ConfigFiles.write(dir.resolve("mesh.yaml"), "app:\n  greeting: hello\n");
    start();
    ConfigFiles.write(
        dir.resolve("mesh.yaml"),
        "app:\n  greeting: hello\n  pool-size: lots\nauth:\n  audit:\n    allowed: true\n");
    ConfigWatcher watcher = server.configWatcher().orElseThrow();
    await().atMost(RELOAD_WAIT).until(() -> watcher.reloads(ReloadReport.Result.APPLIED) == 1);

    assertThat(watcher.reloads(ReloadReport.Result.REJECTED)).isZero();
    assertThat(watcher.lastReport().orElseThrow().applied())
        .extracting(ConfigChange::toString)
        .containsExactlyInAnyOrder(
            "auth.audit.allowed false -> true", "app.pool-size unset -> ****");
    assertThatThrownBy(() -> AppSettings.current().getInt("app.pool-size", 4))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "app.pool-size: expected an integer from -2147483648 to 2147483647 (from mesh.yaml line"
                + " 3)");
    assertThat(greeting()).isEqualTo("hello");
  }

  @Test
  void aBadAppValueDoesNotStopTheStart() {
    server = MeshApplication.start(args("--app.pool-size=lots"), List.of(binding()), Map.of(), dir);
    assertThat(AppSettings.current().getString("app.pool-size")).hasValue("lots");
    assertThatThrownBy(() -> AppSettings.current().getInt("app.pool-size"))
        .hasMessage(
            "app.pool-size: expected an integer from -2147483648 to 2147483647"
                + " (from command line --app.pool-size)");
  }

  @Test
  void aModuleCreatedAfterLoadingReadsItsSettingsInTheConstructor() throws Exception {
    server =
        MeshApplication.start(
            args("--app.greeting=from the constructor"),
            () -> MeshModule.of(List.of(constructorReadingBinding())),
            Map.of(),
            dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();

    assertThat(greeting()).isEqualTo("from the constructor");
  }

  @Test
  void aModuleThatCannotBeCreatedStopsTheStartNamingTheCause() {
    assertThatThrownBy(
            () ->
                MeshApplication.start(
                        args(),
                        () -> {
                          throw new IllegalArgumentException("app.db.url is required");
                        },
                        Map.of(),
                        dir)
                    .close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "creating the services failed: java.lang.IllegalArgumentException: app.db.url is"
                + " required");
  }

  private void start() {
    server = MeshApplication.start(args(), List.of(binding()), Map.of(), dir);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  private static String[] args(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--tls.mode=plaintext",
                "--metrics.port=0",
                "--server.shutdown-grace=1s"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private String greeting() {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.getDefaultInstance())
        .getResponseMessage();
  }

  /** UnaryRpc answers {@code app.greeting} as the service's constructor read it. */
  private static MeshBinding constructorReadingBinding() {
    String greeting = AppSettings.current().getString("app.greeting", "nobody");
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            responses.onNext(SimpleResponse.newBuilder().setResponseMessage(greeting).build());
            responses.onCompleted();
          }
        };
    return MeshBinding.of(service.bindService(), openPolicies());
  }

  /**
   * UnaryRpc answers {@code app.greeting}, read when the call runs; the service keeps the settings
   * object.
   */
  private static MeshBinding binding() {
    SimpleServiceGrpc.SimpleServiceImplBase service =
        new SimpleServiceGrpc.SimpleServiceImplBase() {
          private final AppSettings settings = AppSettings.current();

          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
            responses.onNext(
                SimpleResponse.newBuilder()
                    .setResponseMessage(settings.getString("app.greeting", "nobody"))
                    .build());
            responses.onCompleted();
          }
        };
    return MeshBinding.of(service.bindService(), openPolicies());
  }

  private static List<MethodPolicy> openPolicies() {
    return List.of(
        MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).build(),
        MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build(),
        MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
        MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build());
  }
}
