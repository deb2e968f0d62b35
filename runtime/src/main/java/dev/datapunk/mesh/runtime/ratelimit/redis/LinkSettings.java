package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The Lettuce settings both links share ({@link RedisLink}, {@link RedisClusterLink}): two I/O and
 * two computation threads, reconnect with a delay doubling from 10 ms up to the retry interval,
 * commands refused at once while disconnected (instead of queued), a 2 s connect timeout and no
 * per-command timeouts (each decision waits with its own deadline).
 */
final class LinkSettings {

  /** The timeout of Lettuce's synchronous API, which the links do not use. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private static final Logger log = MeshLoggers.getLogger(LinkSettings.class);

  private LinkSettings() {}

  static ClientResources clientResources(Duration retryInterval) {
    return ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(
            Delay.exponential(Duration.ofMillis(10), retryInterval, 2, TimeUnit.MILLISECONDS))
        .build();
  }

  /**
   * Closes {@code connection} (if any), then stops {@code client} and {@code resources}, Lettuce's
   * threads included; never throws. A failure is logged as closing {@code what} having failed.
   */
  static void shutdown(
      StatefulConnection<?, ?> connection,
      AbstractRedisClient client,
      ClientResources resources,
      String what) {
    try {
      if (connection != null) {
        connection.close();
      }
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      var unused = resources.shutdown(0, 2, TimeUnit.SECONDS); // its threads stop in the background
    } catch (RuntimeException e) {
      log.warn("Redis rate limiter: closing the {} failed: {}", what, e.getMessage());
    }
  }

  static ClientOptions clientOptions() {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
        .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
        .build();
  }
}
