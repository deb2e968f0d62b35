package dev.datapunk.mesh.runtime.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One configuration key: its dotted name, how its text is parsed, its default and what it means.
 * Keys are declared once, in {@link ConfigKeys}; a key is read with {@link MeshConfig#get}.
 *
 * <p>A key with a textual default parses that text with its own parser at load time (so a default
 * can never be invalid and the help shows it as a user would write it). An {@link #optional} key is
 * unset by default.
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+");

  private final String name;
  private final ValueParser<T> parser;
  private final String defaultText;
  private final T unsetValue;
  private final String unsetMeaning;
  private final String description;
  private final boolean reloadable;
  private final UnaryOperator<String> mask;

  private ConfigKey(
      String name,
      ValueParser<T> parser,
      String defaultText,
      T unsetValue,
      String unsetMeaning,
      String description,
      boolean reloadable,
      UnaryOperator<String> mask) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "configuration key name must be dotted lower-case words, was \"" + name + "\"");
    }
    this.name = name;
    this.parser = Objects.requireNonNull(parser, "parser");
    this.defaultText = defaultText;
    this.unsetValue = unsetValue;
    this.unsetMeaning = unsetMeaning;
    this.description = Objects.requireNonNull(description, "description");
    this.reloadable = reloadable;
    this.mask = Objects.requireNonNull(mask, "mask");
  }

  /**
   * A key whose default is {@code defaultText}, parsed by {@code parser} like a user's value.
   *
   * @param name dotted lower-case name, e.g. {@code server.port}
   * @param description one line for the help text
   */
  public static <T> ConfigKey<T> of(
      String name, ValueParser<T> parser, String defaultText, String description) {
    Objects.requireNonNull(defaultText, "defaultText");
    return new ConfigKey<>(name, parser, defaultText, null, null, description, false, s -> s);
  }

  /**
   * A key that is unset (empty) unless configured.
   *
   * @param unsetMeaning what happens when it is unset, for the help text, e.g. {@code "development
   *     certificate"}
   */
  public static <T> ConfigKey<Optional<T>> optional(
      String name, ValueParser<T> parser, String unsetMeaning, String description) {
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(unsetMeaning, "unsetMeaning");
    ValueParser<Optional<T>> optionalParser =
        new ValueParser<>() {
          @Override
          public Optional<T> parse(String text, ParseContext context) {
            return Optional.of(parser.parse(text, context));
          }

          @Override
          public Optional<T> parseList(List<String> items, ParseContext context) {
            return Optional.of(parser.parseList(items, context));
          }
        };
    return new ConfigKey<>(
        name, optionalParser, null, Optional.empty(), unsetMeaning, description, false, s -> s);
  }

  /** This key, marked as one that may change while the server runs (hot reload). */
  public ConfigKey<T> reloadable() {
    return new ConfigKey<>(
        name, parser, defaultText, unsetValue, unsetMeaning, description, true, mask);
  }

  /**
   * This key, with values shown (in errors and the start-up summary) only after {@code mask} has
   * hidden their secret parts, e.g. {@link ValueParsers#maskUserInfo}.
   */
  public ConfigKey<T> maskedBy(UnaryOperator<String> mask) {
    return new ConfigKey<>(
        name, parser, defaultText, unsetValue, unsetMeaning, description, reloadable, mask);
  }

  /** The dotted name, e.g. {@code server.port}; the command-line option is {@code --} + name. */
  public String name() {
    return name;
  }

  /** The environment variable for this key, e.g. {@code MESH_SERVER_PORT}. */
  public String environmentVariable() {
    return environmentVariable(name);
  }

  /** One line saying what the key does. */
  public String description() {
    return description;
  }

  /** The default as a user would write it, or {@code "unset (" + meaning + ")"}. */
  public String defaultLabel() {
    if (defaultText == null) {
      return "unset (" + unsetMeaning + ")";
    }
    return defaultText.isEmpty() ? "empty" : defaultText;
  }

  /** Whether the value may change while the server runs. */
  public boolean isReloadable() {
    return reloadable;
  }

  /** {@code rawText} with any secret part hidden, fit for logs and error messages. */
  public String mask(String rawText) {
    return mask.apply(rawText);
  }

  /** The textual default, if the key has one. */
  Optional<String> defaultText() {
    return Optional.ofNullable(defaultText);
  }

  T defaultValue(ParseContext context) {
    return defaultText == null ? unsetValue : parser.parse(defaultText, context);
  }

  T parse(RawSetting raw, ParseContext context) {
    return raw.parseWith(parser, context);
  }

  /** Narrows a value stored for this key; the loader stores only values this key parsed. */
  @SuppressWarnings("unchecked")
  T cast(Object value) {
    return (T) value;
  }

  /**
   * {@code MESH_} + {@code key} upper-cased, with {@code .} and {@code -} turned into {@code _}.
   */
  static String environmentVariable(String key) {
    return "MESH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public String toString() {
    return name;
  }
}
