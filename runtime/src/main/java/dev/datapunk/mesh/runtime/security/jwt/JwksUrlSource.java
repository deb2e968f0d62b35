package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;

/**
 * Public keys from a JWKS document fetched over https ({@code auth.jwt.jwks=https://...}).
 *
 * <ul>
 *   <li><b>https only</b>, hostname verified, redirects not followed; trust is the JDK default or a
 *       given CA ({@link JwksTrust}).
 *   <li><b>Caching</b>: the keys are kept for the response's {@code Cache-Control: max-age},
 *       clamped to {@link Settings#minMaxAge()}..{@link Settings#maxMaxAge()}, or for {@link
 *       Settings#defaultMaxAge()} without one ({@code no-cache}/{@code no-store} count as the
 *       minimum). {@link #current()} never blocks: once the keys are stale it returns them and
 *       starts one background refetch.
 *   <li><b>Unknown key id</b>: {@link #refreshForUnknownKey} refetches at once, on the calling
 *       thread, so a token signed with a freshly rotated key is accepted on its first call; but at
 *       most once per {@link Settings#unknownKeyRefetchInterval()} (30 s) counted from the last
 *       fetch of any kind, so tokens with made-up key ids cannot make the server hammer the
 *       identity provider. Calls arriving while a fetch is running wait for it (at most the
 *       timeout).
 *   <li><b>Failures</b> (connection, timeout, HTTP status other than 200, a body over {@link
 *       Settings#maxBytes()}, not a JWK set, no public key) keep the last good keys, are logged
 *       (without key material) and are retried after {@link Settings#failureRetryInterval()}. Stale
 *       keys are served for as long as fetching fails: an identity-provider outage does not become
 *       a mesh outage, and the error log says so.
 *   <li><b>Timeouts</b>: {@link Settings#timeout()} bounds the connection and the whole exchange,
 *       body included.
 * </ul>
 *
 * <p>The first fetch happens in {@link #open}; the server does not start without keys. Returns the
 * same {@link JWKSet} instance while the fetched keys are unchanged. Close it to stop the
 * background thread.
 */
public final class JwksUrlSource implements JwkSetSource, AutoCloseable {

  private static final Logger LOG = MeshLoggers.getLogger(JwksUrlSource.class);

  /**
   * Timing and size limits.
   *
   * @param timeout connection and whole-exchange timeout of one fetch
   * @param defaultMaxAge how long keys are kept when the response says nothing
   * @param minMaxAge the shortest time keys are kept, whatever the response says
   * @param maxMaxAge the longest time keys are kept, whatever the response says
   * @param unknownKeyRefetchInterval the least time between two fetches caused by unknown key ids
   * @param failureRetryInterval the time before a failed fetch is retried
   * @param maxBytes the largest JWKS document accepted
   */
  public record Settings(
      Duration timeout,
      Duration defaultMaxAge,
      Duration minMaxAge,
      Duration maxMaxAge,
      Duration unknownKeyRefetchInterval,
      Duration failureRetryInterval,
      int maxBytes) {

    /** Validates the values. */
    public Settings {
      for (Duration d :
          new Duration[] {
            timeout,
            defaultMaxAge,
            minMaxAge,
            maxMaxAge,
            unknownKeyRefetchInterval,
            failureRetryInterval
          }) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative()) {
          throw new IllegalArgumentException("JWKS durations must not be negative (was " + d + ")");
        }
      }
      if (timeout.isZero()) {
        throw new IllegalArgumentException("JWKS timeout must be positive");
      }
      if (minMaxAge.compareTo(maxMaxAge) > 0) {
        throw new IllegalArgumentException(
            "JWKS minMaxAge " + minMaxAge + " exceeds maxMaxAge " + maxMaxAge);
      }
      if (maxBytes < 1) {
        throw new IllegalArgumentException("JWKS maxBytes must be positive");
      }
    }

    /**
     * 5 s timeout; keys kept 5 min by default, 30 s to 24 h; unknown kids refetch once per 30 s.
     */
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          Duration.ofHours(24),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          1024 * 1024);
    }
  }

  /** Keys and the time (nanos) they turn stale. */
  private record Snapshot(JWKSet keys, long staleAtNanos) {}

  private final URI uri;
  private final HttpClient client;
  private final Settings settings;
  private final LongSupplier nanoClock;
  private final ReentrantLock fetchLock = new ReentrantLock();
  private final AtomicBoolean backgroundRefresh = new AtomicBoolean();
  private final AtomicLong fetches = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final ExecutorService refresher;
  private volatile Snapshot snapshot;
  private volatile long lastAttemptNanos;

  private JwksUrlSource(URI uri, SSLContext sslContext, Settings settings, LongSupplier nanoClock) {
    this.uri = uri;
    this.settings = settings;
    this.nanoClock = nanoClock;
    this.client =
        HttpClient.newBuilder()
            .sslContext(sslContext)
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.refresher =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "mesh-jwks-refresh");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Fetches the keys at {@code uri} once and keeps them current.
   *
   * @param sslContext whose trust managers decide which server certificates are trusted
   * @throws IllegalArgumentException when {@code uri} is not an absolute https URL with a host
   * @throws IOException when the first fetch fails; the message names the URL and the reason
   */
  public static JwksUrlSource open(URI uri, SSLContext sslContext, Settings settings)
      throws IOException {
    return open(uri, sslContext, settings, System::nanoTime);
  }

  static JwksUrlSource open(
      URI uri, SSLContext sslContext, Settings settings, LongSupplier nanoClock)
      throws IOException {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(sslContext, "sslContext");
    Objects.requireNonNull(settings, "settings");
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "JWKS URL must be an absolute https URL with a host (was " + uri + ")");
    }
    JwksUrlSource source = new JwksUrlSource(uri, sslContext, settings, nanoClock);
    try {
      source.fetchOrThrow();
    } catch (FetchException e) {
      source.close();
      throw new IOException(e.getMessage(), e.getCause());
    }
    return source;
  }

  /** The URL the keys come from. */
  public URI uri() {
    return uri;
  }

  /** Fetches attempted since {@link #open}, the first included. For tests and metrics. */
  public long fetches() {
    return fetches.get();
  }

  /** Fetches that failed since {@link #open}. For tests, metrics and health checks. */
  public long failures() {
    return failures.get();
  }

  /** When the keys in use turn stale, on the source's nano clock; for tests. */
  long staleAtNanos() {
    return snapshot.staleAtNanos;
  }

  @Override
  public JWKSet current() {
    Snapshot current = snapshot;
    if (nanoClock.getAsLong() - current.staleAtNanos >= 0
        && backgroundRefresh.compareAndSet(false, true)) {
      try {
        refresher.execute(this::refreshInBackground);
      } catch (RuntimeException e) {
        backgroundRefresh.set(false); // closed: keep serving what we have
      }
    }
    return current.keys;
  }

  @Override
  public JWKSet refreshForUnknownKey(String keyId) {
    long interval = settings.unknownKeyRefetchInterval().toNanos();
    if (nanoClock.getAsLong() - lastAttemptNanos < interval) {
      return snapshot.keys;
    }
    try {
      if (!fetchLock.tryLock(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
        return snapshot.keys;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return snapshot.keys;
    }
    try {
      if (nanoClock.getAsLong() - lastAttemptNanos >= interval) {
        LOG.info(
            "Token names key id {} unknown to {}: fetching the keys again", printable(keyId), uri);
        fetchKeepingOld();
      }
      return snapshot.keys;
    } finally {
      fetchLock.unlock();
    }
  }

  /** Stops the background refresh thread. */
  @Override
  public void close() {
    refresher.shutdownNow();
  }

  private void refreshInBackground() {
    try {
      fetchLock.lock();
      try {
        if (nanoClock.getAsLong() - snapshot.staleAtNanos >= 0) {
          fetchKeepingOld();
        }
      } finally {
        fetchLock.unlock();
      }
    } finally {
      backgroundRefresh.set(false);
    }
  }

  /** Fetches under the lock; a failure keeps the old keys until the retry interval has passed. */
  private void fetchKeepingOld() {
    try {
      fetchOrThrow();
    } catch (FetchException e) {
      failures.incrementAndGet();
      snapshot =
          new Snapshot(
              snapshot.keys, nanoClock.getAsLong() + settings.failureRetryInterval().toNanos());
      LOG.error("Token signing keys not refreshed; keeping the previous keys: {}", e.getMessage());
    }
  }

  private void fetchOrThrow() throws FetchException {
    long started = nanoClock.getAsLong();
    lastAttemptNanos = started;
    fetches.incrementAndGet();
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.timeout())
            .header("Accept", "application/jwk-set+json, application/json")
            .GET()
            .build();
    HttpResponse<byte[]> response = send(request);
    if (response.statusCode() != 200) {
      throw new FetchException("JWKS " + uri + " answered HTTP " + response.statusCode(), null);
    }
    JWKSet fetched;
    try {
      fetched =
          JwksDocuments.publicKeys(
              new String(response.body(), StandardCharsets.UTF_8), "JWKS " + uri);
    } catch (JwksDocuments.InvalidJwksException e) {
      throw new FetchException(e.getMessage(), null);
    }
    Duration maxAge = maxAge(response.headers().firstValue("cache-control"), settings);
    Snapshot previous = snapshot;
    boolean changed = previous == null || !previous.keys.equals(fetched);
    JWKSet keys = changed ? fetched : previous.keys;
    snapshot = new Snapshot(keys, nanoClock.getAsLong() + maxAge.toNanos());
    if (changed) {
      LOG.info("Loaded {} token signing key(s) from {}, kept for {}", keys.size(), uri, maxAge);
    }
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws FetchException {
    Future<HttpResponse<byte[]>> exchange =
        client.sendAsync(request, LimitedBody.handler(settings.maxBytes()));
    try {
      return exchange.get(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new FetchException(
          "JWKS " + uri + " did not answer within " + settings.timeout(), null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new FetchException("JWKS " + uri + " cannot be fetched: " + describe(cause), cause);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new FetchException("JWKS " + uri + ": interrupted", e);
    }
  }

  /**
   * How long a response may be kept: its {@code max-age} clamped to the settings' bounds, the
   * minimum for {@code no-cache}/{@code no-store}, the default without either.
   */
  static Duration maxAge(Optional<String> cacheControl, Settings settings) {
    if (cacheControl.isEmpty()) {
      return settings.defaultMaxAge();
    }
    Duration found = null;
    for (String directive : cacheControl.get().split(",", -1)) {
      String d = directive.strip().toLowerCase(Locale.ROOT);
      if (d.equals("no-cache") || d.equals("no-store")) {
        return settings.minMaxAge();
      }
      if (d.startsWith("max-age=")) {
        String value = d.substring("max-age=".length()).replace("\"", "");
        try {
          found = Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException | ArithmeticException e) {
          // an unreadable max-age is ignored
        }
      }
    }
    if (found == null) {
      return settings.defaultMaxAge();
    }
    if (found.compareTo(settings.minMaxAge()) < 0) {
      return settings.minMaxAge();
    }
    return found.compareTo(settings.maxMaxAge()) > 0 ? settings.maxMaxAge() : found;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** A key id as log text: at most 64 printable ASCII characters. */
  private static String printable(String keyId) {
    if (keyId == null) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < keyId.length() && out.length() < 64; i++) {
      char c = keyId.charAt(i);
      out.append(c >= 0x21 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }

  /** One fetch failed; the message names the URL and the reason. */
  private static final class FetchException extends Exception {
    private static final long serialVersionUID = 1L;

    FetchException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
