package dev.datapunk.mesh.runtime.ratelimit.redis;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * The arguments of an EVAL of {@link GcraScript}'s full source for the same decision as a {@link
 * GcraCommandArguments}: {@code <source> 1 <key> <interval> <burst>}. Sent on a Redis Cluster when
 * the node owning the key answered NOSCRIPT: routed by the same key, so that node runs (and caches)
 * the script again. Rare, so written plainly.
 */
final class GcraEvalArguments extends CommandArgs<String, String> {

  /** {@code <source> 1}: the arguments before the key, as RESP bulk strings. */
  private static final byte[] HEAD =
      GcraCommandArguments.concat(
          GcraCommandArguments.bulk(GcraScript.SOURCE), GcraCommandArguments.bulk("1"));

  private final GcraCommandArguments decision;

  GcraEvalArguments(GcraCommandArguments decision) {
    super(StringCodec.UTF8);
    this.decision = decision;
  }

  @Override
  public int count() {
    return decision.count();
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeBytes(HEAD);
    decision.encodeKeyAndLimit(buf);
  }

  @Override
  public ByteBuffer getFirstEncodedKey() {
    return decision.getFirstEncodedKey();
  }

  @Override
  public String toCommandString() {
    return "<gcra script> " + decision.toCommandString().substring(GcraScript.SHA1.length() + 1);
  }

  @Override
  public String toString() {
    return "GcraEvalArguments[" + toCommandString() + "]";
  }
}
