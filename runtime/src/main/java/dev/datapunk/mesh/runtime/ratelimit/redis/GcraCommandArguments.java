package dev.datapunk.mesh.runtime.ratelimit.redis;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The arguments of one EVALSHA of {@link GcraScript}, written straight into Lettuce's output
 * buffer: {@code <sha1> 1 <key> <interval> <burst>}, exactly the bytes Lettuce's own {@code
 * evalsha} builder sends for the same call.
 *
 * <p>Why not that builder: it wraps each argument in an object, keeps them in a list, takes a
 * {@code String[]} of keys, re-encodes the constant SHA-1 to bytes on every call and turns every
 * length of 10 or more into a {@code String} while writing. Here the SHA-1 and {@code numkeys} are
 * one constant byte array, the limit's two arguments are encoded once per limit ({@link
 * #limitArguments}), and the key {@code <prefix>{<full/Method>|<client>}} is written from its
 * pre-encoded start and the client key without building the key as a String. The one object per
 * call is this one.
 */
final class GcraCommandArguments extends CommandArgs<String, String> {

  /** {@code <sha1> 1}: the arguments before the key, as RESP bulk strings. */
  private static final byte[] HEAD = concat(bulk(GcraScript.SHA1), bulk("1"));

  private static final byte[] KEY_END = {'}', '\r', '\n'};

  private final byte[] keyStart;
  private final String clientKey;
  private final byte[] limitArguments;

  /**
   * @param keyStart the UTF-8 bytes of {@code <prefix>{<full/Method>|}}
   * @param clientKey the client's key, written as UTF-8 after {@code keyStart}, followed by {@code
   *     }}
   * @param limitArguments {@link #limitArguments(String, String)} of the method's limit
   */
  GcraCommandArguments(byte[] keyStart, String clientKey, byte[] limitArguments) {
    super(StringCodec.UTF8);
    this.keyStart = keyStart;
    this.clientKey = clientKey;
    this.limitArguments = limitArguments;
  }

  /** {@code ARGV[1]} and {@code ARGV[2]} as RESP bulk strings, encoded once per limit. */
  static byte[] limitArguments(String interval, String burst) {
    return concat(bulk(interval), bulk(burst));
  }

  @Override
  public int count() {
    return 5;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeBytes(HEAD);
    encodeKeyAndLimit(buf);
  }

  /** {@code <key> <interval> <burst>}: everything after {@code numkeys}. */
  void encodeKeyAndLimit(ByteBuf buf) {
    buf.writeByte('$');
    writeDecimal(buf, keyStart.length + ByteBufUtil.utf8Bytes(clientKey) + 1);
    buf.writeByte('\r').writeByte('\n');
    buf.writeBytes(keyStart);
    ByteBufUtil.writeUtf8(buf, clientKey);
    buf.writeBytes(KEY_END);
    buf.writeBytes(limitArguments);
  }

  /**
   * The key, for Lettuce's routing by key: on a Redis Cluster connection this picks the node that
   * owns the key's slot. Never called on a standalone connection.
   */
  @Override
  public ByteBuffer getFirstEncodedKey() {
    return ByteBuffer.wrap(concat(keyStart, (clientKey + "}").getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toCommandString() {
    return GcraScript.SHA1
        + " 1 key<"
        + new String(keyStart, StandardCharsets.UTF_8)
        + "...}> "
        + new String(limitArguments, StandardCharsets.UTF_8)
            .replaceAll("\\$[0-9]+\r\n", "")
            .replace("\r\n", " ")
            .trim();
  }

  @Override
  public String toString() {
    return "GcraCommandArguments[" + toCommandString() + "]";
  }

  /** Writes a non-negative int in decimal ASCII without allocating. */
  static void writeDecimal(ByteBuf buf, int value) {
    int divisor = 1;
    while (value / divisor >= 10) {
      divisor *= 10;
    }
    for (; divisor > 0; divisor /= 10) {
      buf.writeByte('0' + value / divisor % 10);
    }
  }

  static byte[] bulk(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    return concat(
        ("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII),
        bytes,
        new byte[] {'\r', '\n'});
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
