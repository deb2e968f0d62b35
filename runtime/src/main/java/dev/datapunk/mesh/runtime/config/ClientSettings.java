package dev.datapunk.mesh.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One mesh service this process calls: the settings of {@code client.<name>.*}.
 *
 * @param name the free part of the keys, e.g. {@code inventory}
 * @param target {@code client.<name>.target}: {@code host:port} or a gRPC target URI
 * @param tlsMode {@code client.<name>.tls-mode}: mtls (default), tls or plaintext
 * @param serverIdentity {@code client.<name>.server-identity}: the SPIFFE ID or common name the
 *     server's certificate must prove; empty checks the target's host name instead
 * @param deadline {@code client.<name>.deadline}: the deadline of calls that have none of their own
 *     and are not made inside a call that has one; empty means none
 * @param token {@code client.<name>.token}: which bearer token calls carry
 * @param tokenFile {@code client.<name>.token-file}: the service token's file, with {@link
 *     TokenMode#SERVICE} only
 * @param retry {@code client.<name>.retry.*}
 */
public record ClientSettings(
    String name,
    String target,
    TlsMode tlsMode,
    Optional<String> serverIdentity,
    Optional<Duration> deadline,
    TokenMode token,
    Optional<Path> tokenFile,
    Retry retry) {

  /** The default of {@code client.<name>.deadline}. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  /** Which bearer token a client's calls carry ({@code client.<name>.token}). */
  public enum TokenMode {
    /** The verified token of the server call the client call is made in, if it had one. */
    FORWARD,
    /** The token in {@code client.<name>.token-file}, re-read when the file changes. */
    SERVICE,
    /** No token (the default). */
    NONE
  }

  /**
   * When a call is tried again.
   *
   * @param maxAttempts {@code client.<name>.retry.max-attempts}: attempts in all, the first one
   *     included; 1 never retries
   * @param maxDelay {@code client.<name>.retry.max-delay}: the longest wait before another attempt;
   *     a server asking for a longer one is not retried
   */
  public record Retry(int maxAttempts, Duration maxDelay) {

    /** Three attempts, waiting at most two seconds between two of them. */
    public static final Retry DEFAULT = new Retry(3, Duration.ofSeconds(2));

    public Retry {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("max attempts must be at least 1 (was " + maxAttempts + ")");
      }
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException("max retry delay must not be negative (was " + maxDelay + ")");
      }
    }
  }

  public ClientSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(tlsMode, "tlsMode");
    Objects.requireNonNull(serverIdentity, "serverIdentity");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(retry, "retry");
    if ((token == TokenMode.SERVICE) != tokenFile.isPresent()) {
      throw new IllegalArgumentException("a token file goes with token mode service, and only with it");
    }
  }

  private static final Pattern HOST_AND_PORT =
      Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]):([0-9]{1,5})");
  private static final Pattern TARGET_URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/\\S*");

  /** {@code host:port} (port 1 to 65535) or a target URI such as {@code dns:///host:port}. */
  static ValueParser<String> targetParser() {
    String expected = "host:port or a gRPC target URI such as dns:///inventory.shop:50051";
    return (text, context) -> {
      var hostAndPort = HOST_AND_PORT.matcher(text);
      if (hostAndPort.matches()) {
        int port = Integer.parseInt(hostAndPort.group(1));
        if (port >= 1 && port <= 65535) {
          return text;
        }
      } else if (TARGET_URI.matcher(text).matches()) {
        return text;
      }
      throw new InvalidValueException(expected, text);
    };
  }

  /**
   * The clients that {@code values} (every effective key and its parsed value) configure, by name.
   *
   * @throws ConfigException naming the keys, when a client has settings but no target, a service
   *     token without a file, a file without a service token, or a server identity in plaintext
   */
  static Map<String, ClientSettings> byName(Map<String, Object> values, List<ConfigEntry> entries) {
    Map<String, Map<String, Object>> byClient = new TreeMap<>();
    for (Map.Entry<String, Object> value : values.entrySet()) {
      for (ConfigKeyPattern<?> pattern : ConfigKeys.CLIENT) {
        pattern.freePartOf(value.getKey()).ifPresent(name ->
            byClient.computeIfAbsent(name, unused -> new TreeMap<>()).put(value.getKey(), value.getValue()));
      }
    }
    Map<String, ClientSettings> clients = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (String name : byClient.keySet()) {
      Client client = new Client(name, byClient.get(name), entries);
      client.settings(problems).ifPresent(settings -> clients.put(name, settings));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return Collections.unmodifiableMap(clients);
  }

  /** The configured values of one client, read key by key. */
  private record Client(String name, Map<String, Object> values, List<ConfigEntry> entries) {

    Optional<ClientSettings> settings(List<String> problems) {
      Optional<String> target = value(ConfigKeys.CLIENT_TARGET);
      TlsMode tlsMode = value(ConfigKeys.CLIENT_TLS_MODE).orElse(TlsMode.MTLS);
      Optional<String> serverIdentity = value(ConfigKeys.CLIENT_SERVER_IDENTITY);
      TokenMode token = value(ConfigKeys.CLIENT_TOKEN).orElse(TokenMode.NONE);
      Optional<Path> tokenFile = value(ConfigKeys.CLIENT_TOKEN_FILE);
      int before = problems.size();
      if (target.isEmpty()) {
        String set = new TreeSet<>(values.keySet()).first();
        problems.add(key(ConfigKeys.CLIENT_TARGET) + " is required: client " + name + " has other settings ("
            + set + " from " + source(set) + ") but no target");
      }
      if (token == TokenMode.SERVICE && tokenFile.isEmpty()) {
        problems.add(key(ConfigKeys.CLIENT_TOKEN_FILE) + " is required with " + key(ConfigKeys.CLIENT_TOKEN)
            + "=service (from " + source(ConfigKeys.CLIENT_TOKEN) + ")");
      }
      if (token != TokenMode.SERVICE && tokenFile.isPresent()) {
        problems.add(key(ConfigKeys.CLIENT_TOKEN_FILE) + " is set (from " + source(ConfigKeys.CLIENT_TOKEN_FILE)
            + ") but " + key(ConfigKeys.CLIENT_TOKEN) + " is " + ValueParsers.configName(token)
            + "; the file is only read with " + key(ConfigKeys.CLIENT_TOKEN) + "=service");
      }
      if (serverIdentity.isPresent() && tlsMode == TlsMode.PLAINTEXT) {
        problems.add(key(ConfigKeys.CLIENT_SERVER_IDENTITY) + " is set (from "
            + source(ConfigKeys.CLIENT_SERVER_IDENTITY) + ") but " + key(ConfigKeys.CLIENT_TLS_MODE)
            + " is plaintext (from " + source(ConfigKeys.CLIENT_TLS_MODE) + "): without TLS the server proves"
            + " no identity; use tls or mtls");
      }
      if (problems.size() > before) {
        return Optional.empty();
      }
      Optional<Duration> deadline = value(ConfigKeys.CLIENT_DEADLINE).orElse(Optional.of(DEFAULT_DEADLINE));
      Retry retry = new Retry(
          value(ConfigKeys.CLIENT_RETRY_MAX_ATTEMPTS).orElse(Retry.DEFAULT.maxAttempts()),
          value(ConfigKeys.CLIENT_RETRY_MAX_DELAY).orElse(Retry.DEFAULT.maxDelay()));
      return Optional.of(new ClientSettings(
          name, target.orElseThrow(), tlsMode, serverIdentity, deadline, token, tokenFile, retry));
    }

    private <T> Optional<T> value(ConfigKeyPattern<T> pattern) {
      Object value = values.get(key(pattern));
      return value == null ? Optional.empty() : Optional.of(pattern.cast(value));
    }

    /** This client's key of {@code pattern}, e.g. {@code client.inventory.target}. */
    private String key(ConfigKeyPattern<?> pattern) {
      return pattern.template().replace(ConfigKeys.CLIENT_NAME_PLACEHOLDER, name);
    }

    private String source(ConfigKeyPattern<?> pattern) {
      return source(key(pattern));
    }

    private String source(String key) {
      return entries.stream().filter(entry -> entry.key().equals(key)).findFirst()
          .map(entry -> entry.source().toString()).orElse("default");
    }
  }
}
