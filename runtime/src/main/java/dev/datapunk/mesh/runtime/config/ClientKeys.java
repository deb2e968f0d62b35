package dev.datapunk.mesh.runtime.config;

import dev.datapunk.mesh.runtime.client.ClientSettings;
import dev.datapunk.mesh.runtime.client.ClientSettings.Retry;
import dev.datapunk.mesh.runtime.client.ClientSettings.TokenMode;
import dev.datapunk.mesh.runtime.tls.TlsMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code client.<name>.*} keys read into {@link ClientSettings}, one per name, with the rules
 * that involve more than one key of a client.
 */
final class ClientKeys {

  private ClientKeys() {}

  private static final Pattern HOST_AND_PORT =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]):([0-9]{1,5})");
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
        pattern
            .freePartOf(value.getKey())
            .ifPresent(
                name ->
                    byClient
                        .computeIfAbsent(name, unused -> new TreeMap<>())
                        .put(value.getKey(), value.getValue()));
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
        problems.add(
            key(ConfigKeys.CLIENT_TARGET)
                + " is required: client "
                + name
                + " has other settings ("
                + set
                + " from "
                + source(set)
                + ") but no target");
      }
      if (token == TokenMode.SERVICE && tokenFile.isEmpty()) {
        problems.add(
            key(ConfigKeys.CLIENT_TOKEN_FILE)
                + " is required with "
                + key(ConfigKeys.CLIENT_TOKEN)
                + "=service (from "
                + source(ConfigKeys.CLIENT_TOKEN)
                + ")");
      }
      if (token != TokenMode.SERVICE && tokenFile.isPresent()) {
        problems.add(
            key(ConfigKeys.CLIENT_TOKEN_FILE)
                + " is set (from "
                + source(ConfigKeys.CLIENT_TOKEN_FILE)
                + ") but "
                + key(ConfigKeys.CLIENT_TOKEN)
                + " is "
                + ValueParsers.configName(token)
                + "; the file is only read with "
                + key(ConfigKeys.CLIENT_TOKEN)
                + "=service");
      }
      if (serverIdentity.isPresent() && tlsMode == TlsMode.PLAINTEXT) {
        problems.add(
            key(ConfigKeys.CLIENT_SERVER_IDENTITY)
                + " is set (from "
                + source(ConfigKeys.CLIENT_SERVER_IDENTITY)
                + ") but "
                + key(ConfigKeys.CLIENT_TLS_MODE)
                + " is plaintext (from "
                + source(ConfigKeys.CLIENT_TLS_MODE)
                + "): without TLS the server proves"
                + " no identity; use tls or mtls");
      }
      if (problems.size() > before) {
        return Optional.empty();
      }
      Optional<Duration> deadline =
          value(ConfigKeys.CLIENT_DEADLINE).orElse(Optional.of(ClientSettings.DEFAULT_DEADLINE));
      Retry retry =
          new Retry(
              value(ConfigKeys.CLIENT_RETRY_MAX_ATTEMPTS).orElse(Retry.DEFAULT.maxAttempts()),
              value(ConfigKeys.CLIENT_RETRY_MAX_DELAY).orElse(Retry.DEFAULT.maxDelay()));
      return Optional.of(
          new ClientSettings(
              name,
              target.orElseThrow(),
              tlsMode,
              serverIdentity,
              deadline,
              token,
              tokenFile,
              retry));
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
      return entries.stream()
          .filter(entry -> entry.key().equals(key))
          .findFirst()
          .map(entry -> entry.source().toString())
          .orElse("default");
    }
  }
}
