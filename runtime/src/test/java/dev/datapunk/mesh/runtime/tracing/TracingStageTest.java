package dev.datapunk.mesh.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.chain.AdmissionListener;
import dev.datapunk.mesh.runtime.chain.CallChain;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.security.AuthDecisionListener;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the tracing stage puts into a chain: nothing at all while off. */
class TracingStageTest {

  private static final List<MethodPolicy> POLICIES =
      List.of(
          MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod())
              .requireScopes("read")
              .rateLimit(5, 5)
              .build(),
          MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod())
              .publicAccess()
              .build(),
          MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build(),
          MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod())
              .rateLimit(1, 1)
              .build());

  @Test
  void offItIsInNoMethodsChainAndItsListenersAreTheNoOpOnes() {
    TracingStage off = TracingStage.off();
    assertThat(off.isOn()).isFalse();
    CallChain chain = CallChain.of(off);
    for (MethodPolicy policy : POLICIES) {
      assertThat(off.interceptorFor(policy)).isNull();
      assertThat(chain.interceptorsFor(policy)).isEmpty();
    }
    assertThat(off.authDecisions()).isSameAs(AuthDecisionListener.Factory.NONE);
    assertThat(off.rateLimitDecisions()).isSameAs(AdmissionListener.Factory.NONE);
    assertThat(off.adaptiveLimitDecisions()).isSameAs(AdmissionListener.Factory.NONE);
  }

  @Test
  void onEveryMethodGetsItsOwnInterceptor() {
    TracingStage on = TracingStage.on(OpenTelemetry.noop(), false);
    assertThat(on.isOn()).isTrue();
    assertThat(POLICIES)
        .allSatisfy(
            policy -> assertThat(on.interceptorFor(policy)).isInstanceOf(TracingInterceptor.class));
    assertThat(POLICIES.stream().map(on::interceptorFor).distinct()).hasSize(POLICIES.size());
  }
}
