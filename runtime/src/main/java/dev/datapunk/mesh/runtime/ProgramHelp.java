package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenCommand;

/**
 * The text {@code --help} prints: how to run the program, its commands, then every configuration
 * key.
 */
final class ProgramHelp {

  private ProgramHelp() {}

  static String render() {
    return "Usage:\n"
        + "  <program> [--config=FILE] [--key=value ...]   run the mesh server"
        + " (configuration below)\n"
        + "  <program> "
        + MeshApplication.DEV_TOKEN_COMMAND
        + " --subject=NAME ...        mint a development token\n"
        + "  <program> --help                              this text\n"
        + "\n"
        + "Commands:\n"
        + "  "
        + MeshApplication.DEV_TOKEN_COMMAND
        + "  "
        + DevTokenCommand.DESCRIPTION
        + "\n"
        + "      "
        + DevTokenCommand.USAGE
        + "\n"
        + "      "
        + MeshApplication.DEV_TOKEN_COMMAND
        + " --help describes each option.\n"
        + "\n"
        + ConfigLoader.helpText();
  }
}
