package dev.datapunk.mesh.bench.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the commands one limiter sends to Redis per decision, as Redis's {@code MONITOR} sees
 * them: on a fresh {@code redis-server}, after one warm-up decision (connection set-up, script
 * loading), {@code decisions} synchronous decisions from one thread. Commands a Lua script runs
 * inside Redis ({@code [0 lua]} in the monitor) are not round trips and are left out. The decisions
 * are synchronous, so each command counted is one network round trip.
 *
 * @param commandsPerDecision the client's commands divided by the decisions
 * @param perCommand each command's calls per decision, by command name (lower case)
 * @param admitted how many of the decisions admitted
 */
public record RoundTrips(double commandsPerDecision, Map<String, Double> perCommand, int admitted) {

  private static final String END = "mesh-bench-round-trips-end";

  /**
   * Measures {@code kind} over {@code decisions} decisions spread round-robin over {@code keys}
   * clients.
   */
  public static RoundTrips measure(RedisLimiter.Kind kind, int keys, int decisions) {
    try (RedisProcess redis = RedisProcess.start();
        RedisLimiter limiter = kind.open(redis.uri());
        Socket monitor = connect(redis.port())) {
      limiter.admit("warm-up");
      BufferedReader lines = send(monitor, "MONITOR");
      expect(lines.readLine(), "+OK");
      int admitted = 0;
      for (int i = 0; i < decisions; i++) {
        if (limiter.admit("client-" + i % keys)) {
          admitted++;
        }
      }
      try (Socket marker = connect(redis.port())) {
        expect(send(marker, "ECHO " + END).readLine(), "$" + END.length());
      }
      Map<String, Long> calls = new TreeMap<>();
      long total = 0;
      for (String line = lines.readLine(); ; line = lines.readLine()) {
        if (line == null) {
          throw new IllegalStateException("MONITOR ended before the end marker");
        }
        if (line.contains(END)) {
          break;
        }
        if (line.contains(" lua] ")) {
          continue; // run by a script inside Redis: no round trip
        }
        int start = line.indexOf("] \"");
        if (start < 0) {
          continue;
        }
        String command =
            line.substring(start + 3, line.indexOf('"', start + 3)).toLowerCase(Locale.ROOT);
        calls.merge(command, 1L, Long::sum);
        total++;
      }
      Map<String, Double> perCommand = new TreeMap<>();
      calls.forEach((command, count) -> perCommand.put(command, (double) count / decisions));
      return new RoundTrips((double) total / decisions, perCommand, admitted);
    } catch (IOException e) {
      throw new UncheckedIOException("talking to redis-server failed", e);
    }
  }

  /** The commands per decision as text, e.g. {@code evalsha 1.00}. */
  public String commands() {
    StringBuilder text = new StringBuilder();
    perCommand.forEach(
        (command, perDecision) -> {
          if (text.length() > 0) {
            text.append(", ");
          }
          text.append(command).append(' ').append(String.format(Locale.ROOT, "%.2f", perDecision));
        });
    return text.toString();
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends one inline command and returns a reader of the replies. */
  private static BufferedReader send(Socket socket, String inlineCommand) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void expect(String reply, String expected) {
    if (!expected.equals(reply)) {
      throw new IllegalStateException("Redis replied " + reply + ", expected " + expected);
    }
  }
}
