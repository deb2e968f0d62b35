package dev.datapunk.mesh.runtime.chain;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.StatusException;
import io.grpc.protobuf.StatusProto;

/**
 * The status of a call refused for now, by a rate limit or a concurrency limit: {@code
 * RESOURCE_EXHAUSTED} (never {@code UNAVAILABLE}, which client retry policies retry blindly) that
 * says when to try again in two ways:
 *
 * <ul>
 *   <li>{@code google.rpc.RetryInfo} in the status details, to the nanosecond: the mesh's own
 *       client ({@code runtime.client}) and other clients that read status details honour it;
 *   <li>the {@code grpc-retry-pushback-ms} trailer, the same delay rounded up to whole
 *       milliseconds: grpc's built-in retry honours it in every language, so a plain grpc client
 *       with a {@code retryPolicy} in its service config retries once that time is over (and not
 *       before), whatever status codes its policy lists.
 * </ul>
 */
public final class RetryLater {

  /** The trailer grpc's built-in retry reads the server's pushback from. */
  public static final Metadata.Key<String> PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private RetryLater() {}

  /**
   * {@code RESOURCE_EXHAUSTED} with {@code message}, a retry delay of {@code retryNanos} (at least
   * 1 ns) and {@code details} after the {@code RetryInfo}.
   */
  public static StatusException resourceExhausted(
      String message, long retryNanos, Message... details) {
    long nanos = Math.max(retryNanos, 1L);
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
            .setMessage(message)
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(
                            Duration.newBuilder()
                                .setSeconds(nanos / 1_000_000_000L)
                                .setNanos((int) (nanos % 1_000_000_000L)))
                        .build()));
    for (Message detail : details) {
      status.addDetails(Any.pack(detail));
    }
    Metadata trailers = new Metadata();
    trailers.put(PUSHBACK_MS, Long.toString((nanos + 999_999L) / 1_000_000L));
    return StatusProto.toStatusException(status.build(), trailers);
  }
}
