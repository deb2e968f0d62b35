package dev.datapunk.mesh.runtime.client;

import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.tls.ChannelTls;
import dev.datapunk.mesh.runtime.tls.ChannelTlsConfig;
import dev.datapunk.mesh.runtime.tls.TlsMaterialException;
import dev.datapunk.mesh.runtime.tls.TlsMode;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * Channels to the mesh services this process calls, one per client ({@link ClientSettings}, the
 * settings of {@code client.<name>.*}), each secured, verified, metered and retried as its settings
 * say:
 *
 * <pre>{@code
 * // mesh.yaml: client: {inventory: {target: "inventory.shop:50051", token: forward}}
 * InventoryServiceGrpc.InventoryServiceBlockingStub inventory =
 *     InventoryServiceGrpc.newBlockingStub(MeshChannels.current().channel("inventory"));
 * }</pre>
 *
 * <p>What every call on such a channel gets, outermost first:
 *
 * <ol>
 *   <li><b>a deadline</b>: its own, else the one of the server call it is made in (grpc-java's
 *       {@link io.grpc.Context} carries it, and the next server sees what is left of it), else
 *       {@code client.<name>.deadline};
 *   <li><b>client meters</b> in the server's registry: {@code grpc.client.*} with a {@code client}
 *       tag, and {@code mesh.client.retries};
 *   <li>the interceptors given to {@link Builder#interceptor} (for tracing, say), in that order;
 *   <li><b>a bearer token</b> ({@code client.<name>.token}): none, the verified token of the server
 *       call it is made in ({@code forward}; none when that call was not authenticated), or the
 *       service token in {@code client.<name>.token-file};
 *   <li><b>retries</b> of unary calls refused with {@code RESOURCE_EXHAUSTED} and a {@code
 *       RetryInfo} delay, or {@code UNAVAILABLE} before the request left ({@code
 *       client.<name>.retry.*});
 *   <li><b>transport security</b> ({@code client.<name>.tls-mode}, mTLS by default, with the
 *       {@linkplain Builder#identity identity} and {@linkplain Builder#trust trust} given to the
 *       builder; the generated {@code main} gives the server's certificate files or the development
 *       PKI), the server's certificate checked during the handshake for the target's host name or
 *       for {@code client.<name>.server-identity}.
 * </ol>
 *
 * <p>Calls made inside a server call belong to it: they inherit its deadline and are cancelled when
 * it is cancelled or ends. Work that must outlive the server call runs in a forked context ({@code
 * Context.current().fork().run(...)}), which also drops the inherited deadline.
 *
 * <p>The channels are created, and their files read, when the {@code MeshChannels} are built; they
 * connect on their first call. They are shared and thread-safe; {@link #close()} shuts them down.
 */
public final class MeshChannels implements AutoCloseable {

  private static final Logger log = MeshLoggers.getLogger(MeshChannels.class);
  private static final AtomicReference<MeshChannels> CURRENT = new AtomicReference<>();
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final Map<String, ManagedChannel> channels;
  private final List<AutoCloseable> resources;
  private final ScheduledExecutorService retryScheduler;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MeshChannels(
      Map<String, ManagedChannel> channels,
      List<AutoCloseable> resources,
      ScheduledExecutorService retryScheduler) {
    this.channels = Collections.unmodifiableMap(channels);
    this.resources = resources;
    this.retryScheduler = retryScheduler;
  }

  /** Channels for the clients given to the builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The channels of the mesh server this process runs: the generated {@code main} ({@code
   * MeshApplication}) sets them up, with the server's registry and files, before the server starts
   * and closes them after it has drained. Service code reads them when a call runs, not in a
   * constructor (services are created first).
   *
   * @throws IllegalStateException when no channels were {@linkplain #makeCurrent() made current}:
   *     no {@code client.<name>.*} is configured, or the server was built by hand (then build them
   *     with {@link #builder()} and hand them to the services)
   */
  public static MeshChannels current() {
    MeshChannels current = CURRENT.get();
    if (current == null) {
      throw new IllegalStateException(
          "no mesh clients in this process: configure client.<name>.target and start"
              + " the server with its generated main, or build them with MeshChannels.builder()");
    }
    return current;
  }

  /** Makes these the channels {@link #current()} returns until they are closed; returns them. */
  public MeshChannels makeCurrent() {
    CURRENT.set(this);
    return this;
  }

  /**
   * The channel of client {@code name}: shared, owned by these {@code MeshChannels} (never shut it
   * down yourself), good for any stub of the service it reaches.
   *
   * @throws IllegalArgumentException when no {@code client.<name>.target} is configured
   */
  public Channel channel(String name) {
    ManagedChannel channel = channels.get(name);
    if (channel == null) {
      throw new IllegalArgumentException(
          "no mesh client named \""
              + name
              + "\" (set client."
              + name
              + ".target); configured: "
              + (channels.isEmpty() ? "none" : String.join(", ", channels.keySet())));
    }
    return channel;
  }

  /**
   * Shuts the channels down: calls in flight get up to five seconds to finish, then they are
   * cancelled; stops checking files. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    CURRENT.compareAndSet(this, null);
    channels.values().forEach(ManagedChannel::shutdown);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
    try {
      for (ManagedChannel channel : channels.values()) {
        channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channels.values().forEach(ManagedChannel::shutdownNow);
    retryScheduler.shutdownNow();
    closeAll(resources);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Failed to close {}", resource, e);
      }
    }
  }

  /** Builds {@link MeshChannels}. */
  public static final class Builder {

    private final List<ClientSettings> clients = new ArrayList<>();
    private final List<ClientInterceptor> interceptors = new ArrayList<>();
    private MeterRegistry registry;
    private FileWatcher files;
    private Path certChain;
    private Path privateKey;
    private Path ca;

    private Builder() {}

    /** A channel to the service {@code client} describes; names are unique. */
    public Builder client(ClientSettings client) {
      Objects.requireNonNull(client, "client");
      if (clients.stream().anyMatch(known -> known.name().equals(client.name()))) {
        throw new IllegalArgumentException("client." + client.name() + " is given twice");
      }
      clients.add(client);
      return this;
    }

    /**
     * The certificate chain (PEM, leaf first) and PKCS#8 key that clients in {@code mtls} mode
     * present; the certificate needs the extended key usage {@code clientAuth}. Re-read when the
     * files change.
     */
    public Builder identity(Path certChain, Path privateKey) {
      this.certChain = Objects.requireNonNull(certChain, "certChain");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /**
     * The CA certificates (PEM) the servers' certificates must chain to, re-read when the file
     * changes; without them, the CAs the JDK trusts.
     */
    public Builder trust(Path ca) {
      this.ca = Objects.requireNonNull(ca, "ca");
      return this;
    }

    /** Where the client meters go (required). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The thread that checks the certificate and token files for changes (the server's); without
     * one the channels start their own and stop it on close.
     */
    public Builder fileWatcher(FileWatcher files) {
      this.files = Objects.requireNonNull(files, "files");
      return this;
    }

    /**
     * One more interceptor on every call, after the deadline and the meters and before the token
     * and the retries: it sees each call once, with its deadline set, and what it adds to the
     * headers goes out with every attempt. Interceptors run in the order given.
     */
    public Builder interceptor(ClientInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Creates a channel for each client and reads its files.
     *
     * @throws IllegalArgumentException naming the key of a client whose target grpc cannot resolve,
     *     or that is in {@code mtls} mode without an {@linkplain #identity identity}
     * @throws IllegalStateException naming the key when a certificate or token file cannot be used
     */
    public MeshChannels build() {
      Objects.requireNonNull(registry, "meterRegistry is required");
      List<AutoCloseable> resources = new ArrayList<>();
      FileWatcher watcher = files;
      if (watcher == null) {
        watcher = FileWatcher.start(FileWatcher.DEFAULT_INTERVAL);
        resources.add(watcher);
      }
      ScheduledExecutorService retryScheduler =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "mesh-client-retry");
                thread.setDaemon(true);
                return thread;
              });
      Map<String, ManagedChannel> channels = new TreeMap<>();
      try {
        for (ClientSettings client : clients) {
          channels.put(client.name(), channel(client, watcher, retryScheduler, resources));
        }
      } catch (RuntimeException e) {
        channels.values().forEach(ManagedChannel::shutdownNow);
        retryScheduler.shutdownNow();
        closeAll(resources);
        throw e;
      }
      return new MeshChannels(channels, resources, retryScheduler);
    }

    private ManagedChannel channel(
        ClientSettings client,
        FileWatcher watcher,
        ScheduledExecutorService scheduler,
        List<AutoCloseable> resources) {
      String prefix = "client." + client.name();
      ChannelTls tls;
      try {
        tls = ChannelTls.start(tlsConfig(client, prefix), watcher);
      } catch (TlsMaterialException e) {
        throw new IllegalStateException(
            prefix + ".tls-mode=" + modeName(client.tlsMode()) + ": " + e.getMessage(), e);
      }
      resources.add(tls);
      ClientMeters meters = new ClientMeters(client.name(), registry);
      List<ClientInterceptor> chain = new ArrayList<>();
      client.deadline().ifPresent(deadline -> chain.add(new DefaultDeadline(deadline)));
      chain.add(meters.calls());
      chain.addAll(interceptors);
      switch (client.token()) {
        case FORWARD -> chain.add(BearerToken.forwarded());
        case SERVICE -> {
          ServiceTokenFile.Watched token =
              ServiceTokenFile.watch(
                  client.tokenFile().orElseThrow(), prefix + ".token-file", watcher);
          resources.add(token.registration());
          chain.add(new BearerToken(token.tokenFile()::token));
        }
        case NONE -> {}
      }
      RetryRule rule =
          new RetryRule(client.retry(), () -> ThreadLocalRandom.current().nextDouble());
      chain.add(new Retries(rule, scheduler, meters::retried));
      // ManagedChannelBuilder.intercept runs the last interceptor given first.
      List<ClientInterceptor> innermostFirst = new ArrayList<>(chain);
      Collections.reverse(innermostFirst);
      ManagedChannel channel;
      try {
        channel =
            Grpc.newChannelBuilder(client.target(), tls.credentials())
                .intercept(innermostFirst)
                .disableServiceConfigLookUp()
                .build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(prefix + ".target: " + e.getMessage(), e);
      }
      if (client.tlsMode() == TlsMode.PLAINTEXT) {
        log.warn(
            "{}.tls-mode=plaintext: calls to {} are NOT encrypted and the server is NOT"
                + " authenticated{}",
            prefix,
            client.target(),
            client.token() == ClientSettings.TokenMode.NONE
                ? ""
                : "; bearer tokens travel in clear text");
      }
      log.info(
          "Mesh client {}: {} over {}{}, deadline {}, token {}, up to {} attempts",
          client.name(),
          client.target(),
          modeName(client.tlsMode()),
          client.serverIdentity().map(id -> " (server identity " + id + ")").orElse(""),
          client.deadline().map(deadline -> deadline.toMillis() + "ms").orElse("none"),
          modeName(client.token()),
          client.retry().maxAttempts());
      return channel;
    }

    private ChannelTlsConfig tlsConfig(ClientSettings client, String prefix) {
      ChannelTlsConfig tls =
          switch (client.tlsMode()) {
            case PLAINTEXT -> ChannelTlsConfig.plaintext();
            case TLS -> ChannelTlsConfig.tls(ca);
            case MTLS -> {
              if (certChain == null) {
                throw new IllegalArgumentException(
                    prefix + ".tls-mode is mtls but no client certificate was given");
              }
              yield ChannelTlsConfig.mtls(certChain, privateKey, ca);
            }
          };
      return client.serverIdentity().map(tls::withServerIdentity).orElse(tls);
    }

    private static String modeName(Enum<?> mode) {
      return mode.name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
