package dev.datapunk.mesh.runtime.config;

import java.util.List;

/**
 * Turns the text of a configuration value into its typed form. Values from the environment and the
 * command line are always text; a YAML file may also give a list, which only list-typed parsers
 * accept.
 *
 * @param <T> the parsed type
 */
@FunctionalInterface
public interface ValueParser<T> {

  /**
   * Parses one textual value.
   *
   * @throws InvalidValueException saying what was expected and which text was wrong
   */
  T parse(String text, ParseContext context);

  /**
   * Parses a YAML list. Only list-typed parsers accept one; the default rejects it.
   *
   * @throws InvalidValueException saying what was expected and which item was wrong
   */
  default T parseList(List<String> items, ParseContext context) {
    throw new InvalidValueException("a single value, not a list", null);
  }
}
