package dev.datapunk.mesh.runtime.settings;

import dev.datapunk.mesh.runtime.config.ConfigEntry;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.ConfigSource;
import dev.datapunk.mesh.runtime.config.InvalidValueException;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ParseContext;
import dev.datapunk.mesh.runtime.config.ReloadTarget;
import dev.datapunk.mesh.runtime.config.ValueParser;
import dev.datapunk.mesh.runtime.config.ValueParsers;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;

/**
 * The application's own settings: the {@code app.*} keys of the configuration ({@code
 * app.greeting}, {@code app.db.url}), read by service code, typed, without a DI container.
 *
 * <p>They come from the same layers as the mesh's keys, later winning: {@code mesh.yaml} (nested
 * keys join with dots), the environment ({@code MESH_APP_<NAME>}, {@code _} for {@code .} and
 * {@code __} for {@code -}: {@code MESH_APP_DB_POOL__SIZE} sets {@code app.db.pool-size}) and the
 * command line ({@code --app.db.url=...}). Any name of dot-separated lower-case words is accepted;
 * values are text until read, so a value that does not parse fails the read, naming the key and
 * where the value came from, and never the start or a reload of the mesh's own keys.
 *
 * <p>Two ways to reach them:
 *
 * <ul>
 *   <li>{@link #current()}: the settings of the server {@code MeshApplication} runs in this process
 *       (the generated {@code main}), loaded before the server starts. Service constructors run
 *       before the configuration is loaded, so keep the object and read values when a call runs (or
 *       in an {@link #onChange} listener), not in the constructor;
 *   <li>{@link #of(MeshConfig)}: the settings of a configuration you loaded yourself, to hand to
 *       your services when you build the server with {@code MeshServer.builder}.
 * </ul>
 *
 * <p>Every read sees the latest values: when the configuration file changes while the server runs,
 * its {@code app.*} values are swapped in with the mesh's reloadable keys ({@link #reloadTarget()},
 * wired for {@link #current()} by {@code MeshApplication}), and the {@link #onChange} listeners are
 * told which keys changed. Values may be secrets: they are never logged, and configuration
 * summaries and reload messages show them as {@code ****}.
 *
 * <p>Thread-safe; reads take no lock.
 */
public final class AppSettings {

  private static final Logger log = MeshLoggers.getLogger(AppSettings.class);
  private static final AppSettings CURRENT = notLoaded();
  private static final String PREFIX = ConfigKeys.APP.prefix();
  private static final ParseContext CONTEXT = new ParseContext(Path.of(""));
  private static final ValueParser<Integer> INT =
      (text, context) -> Math.toIntExact(wholeNumber(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
  private static final ValueParser<Long> LONG =
      (text, context) -> wholeNumber(text, Long.MIN_VALUE, Long.MAX_VALUE);
  private static final ValueParser<Boolean> BOOLEAN = ValueParsers.bool();
  private static final ValueParser<Duration> DURATION = ValueParsers.duration(Duration.ZERO);
  private static final ValueParser<Long> SIZE = ValueParsers.size(0, Long.MAX_VALUE);

  /**
   * Told which {@code app.*} keys changed (added, removed or given another value) after a reload.
   */
  @FunctionalInterface
  public interface Listener {
    /**
     * Runs on the configuration watcher's thread once the new values are readable; should return
     * quickly. An exception is logged and does not stop other listeners.
     *
     * @param keys the full keys that changed, sorted
     */
    void changed(Set<String> keys);
  }

  /** A registered {@link Listener}; closing it unregisters the listener. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** The values with where each came from; immutable. */
  private record Values(Map<String, String> texts, Map<String, ConfigSource> sources) {
    static Values of(MeshConfig config) {
      Map<String, ConfigSource> sources = new HashMap<>();
      for (ConfigEntry entry : config.entries()) {
        if (config.app().containsKey(entry.key())) {
          sources.put(entry.key(), entry.source());
        }
      }
      return new Values(Map.copyOf(config.app()), Map.copyOf(sources));
    }
  }

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile Values values;

  private AppSettings(Values values) {
    this.values = values;
  }

  /**
   * The settings of the server {@code MeshApplication} runs in this process; the same object on
   * every call. Reading from it before {@code MeshApplication} has loaded the configuration throws
   * {@link IllegalStateException}.
   */
  public static AppSettings current() {
    return CURRENT;
  }

  /** Settings that hold no values until their {@link #reloadTarget()} installs some. */
  static AppSettings notLoaded() {
    return new AppSettings(null);
  }

  /**
   * The {@code app.*} values of {@code config}; reload-aware only through {@link #reloadTarget()}.
   */
  public static AppSettings of(MeshConfig config) {
    return new AppSettings(Values.of(Objects.requireNonNull(config, "config")));
  }

  /** The text of {@code key} (a full key such as {@code app.greeting}), if set. */
  public Optional<String> getString(String key) {
    return get(key, (text, context) -> text);
  }

  /** The text of {@code key}, or {@code defaultValue} when it is not set. */
  public String getString(String key, String defaultValue) {
    return getString(key).orElse(defaultValue);
  }

  /**
   * {@code key} as a whole number of {@code int} range, if set.
   *
   * @throws ConfigException naming the key and the value's source when the value is not one
   */
  public Optional<Integer> getInt(String key) {
    return get(key, INT);
  }

  /**
   * {@code key} as an {@code int}, or {@code defaultValue} when it is not set; see {@link
   * #getInt(String)}.
   */
  public int getInt(String key, int defaultValue) {
    return getInt(key).orElse(defaultValue);
  }

  /** {@code key} as a whole number of {@code long} range, if set; see {@link #getInt(String)}. */
  public Optional<Long> getLong(String key) {
    return get(key, LONG);
  }

  /** {@code key} as a {@code long}, or {@code defaultValue} when it is not set. */
  public long getLong(String key, long defaultValue) {
    return getLong(key).orElse(defaultValue);
  }

  /** {@code key} as {@code true} or {@code false} (any letter case, nothing else), if set. */
  public Optional<Boolean> getBoolean(String key) {
    return get(key, BOOLEAN);
  }

  /** {@code key} as a boolean, or {@code defaultValue} when it is not set. */
  public boolean getBoolean(String key, boolean defaultValue) {
    return getBoolean(key).orElse(defaultValue);
  }

  /**
   * {@code key} as a duration written like the mesh's own: a whole number and one unit {@code ms},
   * {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 30s}), if set.
   */
  public Optional<Duration> getDuration(String key) {
    return get(key, DURATION);
  }

  /** {@code key} as a duration, or {@code defaultValue} when it is not set. */
  public Duration getDuration(String key, Duration defaultValue) {
    return getDuration(key).orElse(defaultValue);
  }

  /**
   * {@code key} as a number of bytes written like the mesh's sizes: bytes, or a whole number with
   * {@code B}, {@code KiB}, {@code MiB}, {@code GiB} or {@code KB}, {@code MB}, {@code GB} ({@code
   * 4MiB}), if set.
   */
  public Optional<Long> getSize(String key) {
    return get(key, SIZE);
  }

  /** {@code key} as a number of bytes, or {@code defaultValue} when it is not set. */
  public long getSize(String key, long defaultValue) {
    return getSize(key).orElse(defaultValue);
  }

  /** Every {@code app.*} key that is set, sorted. */
  public Set<String> keys() {
    return new TreeSet<>(loaded().texts().keySet());
  }

  /**
   * Tells {@code listener} about every later change of the values, until the subscription is
   * closed.
   */
  public Subscription onChange(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Where a reloaded configuration's {@code app.*} values go: {@link ReloadTarget#prepare} takes
   * them from the new configuration (it never rejects one), the swap makes them readable and then
   * tells the listeners which keys changed. The first values an {@code AppSettings} gets are
   * installed without telling anyone.
   */
  public ReloadTarget reloadTarget() {
    return next -> {
      Values prepared = Values.of(next);
      return () -> install(prepared);
    };
  }

  private void install(Values next) {
    Values before = values;
    values = next;
    if (before == null) {
      return;
    }
    Set<String> changed = new TreeSet<>();
    Set<String> keys = new TreeSet<>(before.texts().keySet());
    keys.addAll(next.texts().keySet());
    for (String key : keys) {
      if (!Objects.equals(before.texts().get(key), next.texts().get(key))) {
        changed.add(key);
      }
    }
    if (changed.isEmpty()) {
      return;
    }
    Set<String> told = Set.copyOf(changed);
    for (Listener listener : listeners) {
      try {
        listener.changed(told);
      } catch (RuntimeException e) {
        log.warn("An AppSettings listener failed after {} changed", changed, e);
      }
    }
  }

  private <T> Optional<T> get(String key, ValueParser<T> parser) {
    Objects.requireNonNull(key, "key");
    if (!key.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "app settings are read by their full key, e.g. \""
              + PREFIX
              + key
              + "\"; got \""
              + key
              + "\"");
    }
    Values current = loaded();
    String text = current.texts().get(key);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.parse(text, CONTEXT));
    } catch (InvalidValueException e) {
      // The value itself is left out: app values may be secrets.
      throw new ConfigException(
          key + ": expected " + e.expected() + " (from " + current.sources().get(key) + ")");
    }
  }

  private Values loaded() {
    Values current = values;
    if (current == null) {
      throw new IllegalStateException(
          "app.* settings are not loaded yet: MeshApplication loads them before it creates the"
              + " module it runs from a Supplier (the generated main passes MeshMain::module); a"
              + " module created before that, e.g. run(args, module()), must keep"
              + " AppSettings.current() and read values when a call runs");
    }
    return current;
  }

  private static long wholeNumber(String text, long min, long max) {
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidValueException("an integer from " + min + " to " + max, text);
  }

  /** The keys that are set, never their values. */
  @Override
  public String toString() {
    Values current = values;
    return "AppSettings"
        + (current == null ? "[not loaded]" : new TreeSet<>(current.texts().keySet()).toString());
  }
}
