package dev.datapunk.mesh.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdaptiveLimitConfigTest {

  @TempDir Path dir;

  private MeshConfig load(String... args) {
    return ConfigLoader.load(args, Map.of(), dir).config();
  }

  @Test
  void offByDefaultWithSensibleBounds() {
    AdaptiveLimitSettings settings = load().limits();
    assertThat(settings)
        .isEqualTo(new AdaptiveLimitSettings(false, false, 20, 2, 1000, 10, Map.of()));
  }

  @Test
  void readsEveryKey() {
    AdaptiveLimitSettings settings =
        load(
                "--limits.adaptive.enabled=true",
                "--limits.adaptive.initial-limit=8",
                "--limits.adaptive.min-limit=4",
                "--limits.adaptive.max-limit=64",
                "--limits.adaptive.public-reserved=5",
                "--limits.adaptive.reserved.pkg.Svc/Critical=25")
            .limits();
    assertThat(settings)
        .isEqualTo(
            new AdaptiveLimitSettings(true, false, 8, 4, 64, 5, Map.of("pkg.Svc/Critical", 25)));
    assertThat(settings.defaultShare()).isEqualTo(70);
  }

  @Test
  void rejectsBoundsOutOfOrderNamingTheKeys() {
    assertThatThrownBy(() -> load("--limits.adaptive.min-limit=30"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "limits.adaptive.min-limit <= limits.adaptive.initial-limit <="
                + " limits.adaptive.max-limit")
        .hasMessageContaining("30 (from command line");
  }

  @Test
  void rejectsReservingMoreThanNinetyPercent() {
    assertThatThrownBy(
            () ->
                load(
                    "--limits.adaptive.reserved.pkg.Svc/A=50",
                    "--limits.adaptive.reserved.pkg.Svc/B=35"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.adaptive.public-reserved")
        .hasMessageContaining("add up to 95%");
  }

  @Test
  void rejectsReservedSharesWithPerMethodLimits() {
    assertThatThrownBy(
            () ->
                load(
                    "--limits.adaptive.per-method=true", "--limits.adaptive.reserved.pkg.Svc/A=20"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "limits.adaptive.reserved.pkg.Svc/A is set but limits.adaptive.per-method is true");
  }

  @Test
  void stageIsBoundForUnaryMethodsEvenWhenOffAndSkipsStreamingMethods() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MeshMeters meters = new MeshMeters(registry);
    MethodPolicy unary = MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).build();
    MethodPolicy streaming =
        MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).build();
    AdaptiveLimitStage off = new AdaptiveLimitStage(load().limits(), meters);
    // bound so that the limit can be switched on by a reload, but passing calls on while off
    assertThat(off.interceptorFor(unary)).isNotNull();
    assertThat(off.enabled()).isFalse();
    assertThat(off.interceptorFor(streaming)).isNull();
    // no meters while the limit has never been on
    assertThat(registry.getMeters()).isEmpty();
    AdaptiveLimitStage on =
        new AdaptiveLimitStage(load("--limits.adaptive.enabled=true").limits(), meters);
    assertThat(on.interceptorFor(streaming)).isNull();
    assertThat(on.interceptorFor(unary)).isNotNull();
    assertThat(registry.getMeters()).isNotEmpty();
  }

  @Test
  void perMethodLimitersAreSeparateAndSharedOnesAreOne() {
    MethodPolicy a = MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).build();
    MethodPolicy b =
        MethodPolicy.builder(
                SimpleServiceGrpc.getUnaryRpcMethod().toBuilder()
                    .setFullMethodName("grpc.testing.SimpleService/Other")
                    .build())
            .build();
    AdaptiveLimitStage shared =
        new AdaptiveLimitStage(
            load("--limits.adaptive.enabled=true").limits(),
            new MeshMeters(new SimpleMeterRegistry()));
    AdaptiveLimitInterceptor sharedA = (AdaptiveLimitInterceptor) shared.interceptorFor(a);
    AdaptiveLimitInterceptor sharedB = (AdaptiveLimitInterceptor) shared.interceptorFor(b);
    assertThat(sharedA.limiter()).isSameAs(sharedB.limiter());
    assertThat(sharedA.limiter().name()).isEqualTo("server");
    assertThat(sharedA.partition()).isSameAs(sharedB.partition());
    AdaptiveLimitStage perMethod =
        new AdaptiveLimitStage(
            load("--limits.adaptive.enabled=true", "--limits.adaptive.per-method=true").limits(),
            new MeshMeters(new SimpleMeterRegistry()));
    AdaptiveLimitInterceptor ownA = (AdaptiveLimitInterceptor) perMethod.interceptorFor(a);
    AdaptiveLimitInterceptor ownB = (AdaptiveLimitInterceptor) perMethod.interceptorFor(b);
    assertThat(ownA.limiter()).isNotSameAs(ownB.limiter());
    assertThat(ownA.limiter().name()).isEqualTo(a.fullMethodName());
  }

  @Test
  void aReservedShareForAnUnknownMethodFailsAtStart() {
    assertThatThrownBy(
            () ->
                LimitedServer.start(
                        dir,
                        "--limits.adaptive.enabled=true",
                        "--limits.adaptive.reserved.mesh.test.Work/Nope=20")
                    .close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "limits.adaptive.reserved.mesh.test.Work/Nope: no mesh service of this server has"
                + " method");
  }
}
