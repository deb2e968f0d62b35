package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written EVALSHA arguments put on the wire exactly the bytes Lettuce's own builder puts
 * there for the same call ({@code evalsha(sha, INTEGER, {key}, interval, burst)}).
 */
class GcraCommandArgumentsTest {

  private static final String KEY_START = "mesh:rl:{pkg.Svc/Method|";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a",
        "ip:10.0.0.7",
        "sub:zo\u00eb/\u540d\u524d/\ud83d\ude80",
        "lone \ud800 surrogate",
        "id:CN=a-rather-long-certificate-subject,O=Datapunk,OU=Mesh,L=Somewhere,C=XX/with/a/path"
      })
  void encodesTheSameBytesAsLettucesEvalshaForAnyClientKey(String clientKey) {
    RateLimitSpec spec = new RateLimitSpec(3, 7);
    String interval = GcraScript.intervalArgument(spec);
    String burst = GcraScript.burstArgument(spec);
    CommandArgs<String, String> lettuce =
        new CommandArgs<>(StringCodec.UTF8)
            .add(GcraScript.SHA1)
            .add(1)
            .addKey(KEY_START + clientKey + "}")
            .addValues(interval, burst);
    GcraCommandArguments ours =
        new GcraCommandArguments(
            KEY_START.getBytes(StandardCharsets.UTF_8),
            clientKey,
            GcraCommandArguments.limitArguments(interval, burst));

    assertThat(ours.count()).isEqualTo(lettuce.count());
    assertThat(wire(ours)).isEqualTo(wire(lettuce));
  }

  @Test
  void keyLengthsAcrossDigitBoundariesAreWrittenInDecimal() {
    for (int length = 0; length < 1_200; length++) {
      String clientKey = "k".repeat(length);
      CommandArgs<String, String> lettuce =
          new CommandArgs<>(StringCodec.UTF8)
              .add(GcraScript.SHA1)
              .add(1)
              .addKey(KEY_START + clientKey + "}")
              .addValues("1", "1000000");
      GcraCommandArguments ours =
          new GcraCommandArguments(
              KEY_START.getBytes(StandardCharsets.UTF_8),
              clientKey,
              GcraCommandArguments.limitArguments("1", "1000000"));
      assertThat(wire(ours)).as("client key of %d characters", length).isEqualTo(wire(lettuce));
    }
  }

  @Test
  void namesTheKeyForRoutingAndInMessages() {
    GcraCommandArguments ours =
        new GcraCommandArguments(
            KEY_START.getBytes(StandardCharsets.UTF_8),
            "ip:1.2.3.4",
            GcraCommandArguments.limitArguments("1000000", "5"));
    assertThat(StandardCharsets.UTF_8.decode(ours.getFirstEncodedKey()).toString())
        .isEqualTo("mesh:rl:{pkg.Svc/Method|ip:1.2.3.4}");
    assertThat(ours.toString())
        .contains(GcraScript.SHA1, "mesh:rl:{pkg.Svc/Method|", "1000000 5")
        .doesNotContain("ip:1.2.3.4");
  }

  @Test
  void theEvalAfterNoscriptSendsTheFullSourceForTheSameDecisionRoutedByTheSameKey() {
    String clientKey = "sub:zo\u00eb";
    CommandArgs<String, String> lettuce =
        new CommandArgs<>(StringCodec.UTF8)
            .add(GcraScript.SOURCE)
            .add(1)
            .addKey(KEY_START + clientKey + "}")
            .addValues("333333.333", "7");
    GcraCommandArguments decision =
        new GcraCommandArguments(
            KEY_START.getBytes(StandardCharsets.UTF_8),
            clientKey,
            GcraCommandArguments.limitArguments("333333.333", "7"));
    GcraEvalArguments eval = new GcraEvalArguments(decision);

    assertThat(eval.count()).isEqualTo(lettuce.count());
    assertThat(wire(eval)).isEqualTo(wire(lettuce));
    assertThat(eval.getFirstEncodedKey()).isEqualTo(decision.getFirstEncodedKey());
    assertThat(eval.toString())
        .contains("<gcra script> 1 key<mesh:rl:{pkg.Svc/Method|...}> 333333.333 7")
        .doesNotContain(clientKey, GcraScript.SHA1);
  }

  private static String wire(CommandArgs<String, String> args) {
    ByteBuf buf = Unpooled.buffer();
    try {
      new Command<>(CommandType.EVALSHA, new IntegerOutput<>(StringCodec.UTF8), args).encode(buf);
      return ByteBufUtil.hexDump(buf);
    } finally {
      buf.release();
    }
  }
}
