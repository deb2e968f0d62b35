package dev.datapunk.mesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.datapunk.mesh.runtime.security.jwt.DevTokenCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dev-token} on the command line finds the signing key where the server would, and the
 * program's help and the command's own help say how to use it.
 */
class DevTokenCommandLineTest {

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return MeshApplication.run(
        args,
        MeshModule.of(List.of()),
        env,
        dir,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void devDirFlagPlacesTheSigningKey() {
    assertEquals(0, run(Map.of(), "dev-token", "--dev.dir=keys", "--subject=alice"), err::toString);
    assertThat(dir.resolve("keys/jwt-signing-key.json")).exists();
    assertThat(dir.resolve(".mesh/dev")).doesNotExist();
    assertThat(out.toString(StandardCharsets.UTF_8).strip()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
  }

  @Test
  void configFileFlagIsReadForTheDevDirectory() throws Exception {
    Files.writeString(dir.resolve("other.yaml"), "dev.dir: from-file\n");
    assertEquals(
        0, run(Map.of(), "dev-token", "--subject=alice", "--config=other.yaml"), err::toString);
    assertThat(dir.resolve("from-file/jwt-signing-key.json")).exists();
  }

  @Test
  void flagWinsOverTheEnvironment() {
    assertEquals(
        0,
        run(Map.of("MESH_DEV_DIR", "from-env"), "dev-token", "--subject=a", "--dev.dir=from-flag"));
    assertThat(dir.resolve("from-flag/jwt-signing-key.json")).exists();
    assertThat(dir.resolve("from-env")).doesNotExist();
  }

  @Test
  void withoutFlagsTheDefaultDirectoryIsUsed() {
    assertEquals(0, run(Map.of(), "dev-token", "--subject=alice"), err::toString);
    assertThat(dir.resolve(".mesh/dev/jwt-signing-key.json")).exists();
  }

  @Test
  void otherServerOptionsAreStillRefusedByTheCommand() {
    assertEquals(2, run(Map.of(), "dev-token", "--subject=alice", "--server.port=1"));
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --server.port");
  }

  @Test
  void programHelpListsTheDevTokenCommandWithItsUsage() {
    assertEquals(0, run(Map.of(), "--help"), err::toString);
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help)
        .contains("\nCommands:\n  dev-token  " + DevTokenCommand.DESCRIPTION + "\n")
        .contains("      " + DevTokenCommand.USAGE + "\n")
        .contains("dev-token --help describes each option.")
        .contains("--server.port  (MESH_SERVER_PORT)");
    assertThat(help.indexOf("Commands:"))
        .isLessThan(help.indexOf("Configuration, later sources winning"));
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void devTokenHelpPrintsTheCommandsUsageOnStdoutAndMintsNothing() {
    for (String flag : List.of("--help", "-h")) {
      out.reset();
      assertEquals(0, run(Map.of(), "dev-token", flag), err::toString);
      String help = out.toString(StandardCharsets.UTF_8);
      assertThat(help)
          .startsWith(DevTokenCommand.USAGE + "\n")
          .contains(
              "  --subject=NAME ",
              "  --scopes=A,B,... ",
              "  --ttl=1h ",
              "  --dev.dir=PATH ",
              "  --config=FILE ",
              "  --help, -h ");
      assertThat(help).doesNotMatch("(?s).*[\\w-]+\\.[\\w-]+\\.[\\w-]{20,}.*");
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(dir.resolve(".mesh")).doesNotExist();
  }

  @Test
  void helpWinsOverTheOtherArgumentsOfTheCommand() {
    assertEquals(
        0, run(Map.of(), "dev-token", "--subject=alice", "--ttl=bogus", "--help"), err::toString);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith(DevTokenCommand.USAGE);
    assertThat(dir.resolve(".mesh")).doesNotExist();
  }
}
