package dev.datapunk.mesh.runtime.security.jwt;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code dev-token} command: mints a development token with the development key under the given
 * directory (creating the key if needed) and prints only the token on stdout, so that {@code
 * TOKEN=$(java -jar app.jar dev-token --subject=alice --scopes=inventory:read)} works.
 *
 * <pre>
 * dev-token --subject=NAME [--scopes=A,B,...] [--ttl=1h] [--issuer=ISS] [--audience=AUD]
 * </pre>
 *
 * <p>{@code --ttl} takes a number with a unit s, m, h or d, or an ISO-8601 duration (PT15M);
 * default 1h. {@code --help} or {@code -h} prints {@link #help()} on stdout instead. When the
 * command runs as {@code <program> dev-token}, the program reads {@code --dev.dir} and {@code
 * --config} first, to find the key as the server would. Exit codes: 0 success (and after help), 2
 * bad arguments (message and usage on stderr), 1 when the key cannot be created or read.
 */
public final class DevTokenCommand {

  /** The default token lifetime. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** What the command does, in one line, for the program's {@code --help}. */
  public static final String DESCRIPTION =
      "print a bearer token signed with the development key; the server accepts it while"
          + " auth.jwt.jwks is unset";

  /** The command line, as the program takes it. */
  public static final String USAGE =
      "usage: dev-token --subject=NAME [--scopes=A,B,...] [--ttl=1h]"
          + " [--issuer=ISS] [--audience=AUD] [--dev.dir=PATH] [--config=FILE]";

  private DevTokenCommand() {}

  /**
   * Runs the command.
   *
   * @param args the arguments after {@code dev-token}
   * @param devDir the development directory holding the signing key
   * @return the process exit code
   */
  public static int run(String[] args, Path devDir, PrintStream out, PrintStream err) {
    return run(args, devDir, out, err, Clock.systemUTC());
  }

  static int run(String[] args, Path devDir, PrintStream out, PrintStream err, Clock clock) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.print(help());
      out.flush();
      return 0;
    }
    DevTokenRequest request;
    try {
      request = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("dev-token: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    DevSigningKey key;
    try {
      key = DevSigningKey.ensure(devDir);
    } catch (IOException e) {
      err.println("dev-token: cannot load the development signing key: " + e.getMessage());
      return 1;
    }
    out.println(DevTokens.mint(key, request, clock));
    out.flush();
    return 0;
  }

  /** The usage line and what each option means; what {@code dev-token --help} prints. */
  public static String help() {
    return USAGE
        + "\n"
        + "Prints a bearer token (ES256) signed with the development key under dev.dir, creating"
        + " the key\n"
        + "if it is missing; only the token goes to stdout. The server accepts it while"
        + " auth.jwt.jwks is unset.\n"
        + "  --subject=NAME     the sub claim; required\n"
        + "  --scopes=A,B,...   the scope claim: the scopes, comma-separated\n"
        + "  --ttl=1h           lifetime: a number with s, m, h or d, or ISO-8601 (PT15M); default"
        + " 1h\n"
        + "  --issuer=ISS       the iss claim\n"
        + "  --audience=AUD     the aud claim\n"
        + "  --dev.dir=PATH     where the development key is; default: dev.dir as the server reads"
        + " it\n"
        + "                     (MESH_DEV_DIR, the configuration file), else .mesh/dev\n"
        + "  --config=FILE      the configuration file dev.dir is read from; default: MESH_CONFIG,"
        + " else mesh.yaml\n"
        + "  --help, -h         this text\n";
  }

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException naming the argument that is wrong
   */
  static DevTokenRequest parse(String[] args) {
    String subject = null;
    List<String> scopes = List.of();
    Duration ttl = DEFAULT_TTL;
    Optional<String> issuer = Optional.empty();
    Optional<String> audience = Optional.empty();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      String name = arg.substring(2, equals);
      String value = arg.substring(equals + 1);
      switch (name) {
        case "subject" -> subject = value;
        case "scopes" -> scopes = splitScopes(value);
        case "ttl" -> ttl = parseTtl(value);
        case "issuer" -> issuer = Optional.of(requireValue(name, value));
        case "audience" -> audience = Optional.of(requireValue(name, value));
        default -> throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("--subject is required");
    }
    return new DevTokenRequest(subject, scopes, ttl, issuer, audience);
  }

  private static List<String> splitScopes(String value) {
    List<String> scopes = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String scope = part.strip();
      if (!scope.isEmpty()) {
        scopes.add(scope);
      }
    }
    return scopes;
  }

  private static String requireValue(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " must not be empty");
    }
    return value;
  }

  /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT15M}); positive. */
  static Duration parseTtl(String value) {
    Duration ttl;
    try {
      if (value.startsWith("P") || value.startsWith("p")) {
        ttl = Duration.parse(value);
      } else {
        if (value.length() < 2) {
          throw new IllegalArgumentException(
              "--ttl '" + value + "' needs a unit: s, m, h or d (e.g. 1h)");
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        ttl =
            switch (value.charAt(value.length() - 1)) {
              case 's' -> Duration.ofSeconds(amount);
              case 'm' -> Duration.ofMinutes(amount);
              case 'h' -> Duration.ofHours(amount);
              case 'd' -> Duration.ofDays(amount);
              default ->
                  throw new IllegalArgumentException(
                      "--ttl '" + value + "' needs a unit: s, m, h or d (e.g. 1h)");
            };
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "--ttl '" + value + "' is not a duration (e.g. 30m, 1h, PT15M)");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("--ttl must be positive (was " + value + ")");
    }
    return ttl;
  }
}
