package dev.datapunk.mesh.runtime.security.jwt;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An HTTP response body read into memory up to a limit: a longer body fails the response (and
 * cancels the download) instead of filling the heap.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

  private final int maxBytes;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private byte[] buffer = new byte[8192];
  private int length;

  private LimitedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A handler whose bodies are at most {@code maxBytes} long. */
  static HttpResponse.BodyHandler<byte[]> handler(int maxBytes) {
    return responseInfo -> new LimitedBody(maxBytes);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription newSubscription) {
    this.subscription = newSubscription;
    newSubscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      int n = item.remaining();
      if ((long) length + n > maxBytes) {
        subscription.cancel();
        result.completeExceptionally(
            new IOException("response body longer than " + maxBytes + " bytes"));
        return;
      }
      if (length + n > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(maxBytes, Math.max(buffer.length * 2, length + n)));
      }
      item.get(buffer, length, n);
      length += n;
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(Arrays.copyOf(buffer, length));
  }
}
