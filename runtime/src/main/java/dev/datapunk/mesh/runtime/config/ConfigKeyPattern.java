package dev.datapunk.mesh.runtime.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A family of keys with a free part in the middle, e.g. {@code
 * ratelimit.override.<full/Method>.rps} or {@code metrics.tags.<name>}.
 *
 * @param <T> the parsed type of each value
 */
public final class ConfigKeyPattern<T> {

  /**
   * How a value of a {@linkplain #secret() secret} family is shown in logs, errors and the summary.
   */
  public static final String SECRET_MASK = "****";

  private final String prefix;
  private final String placeholder;
  private final Pattern placeholderSyntax;
  private final String placeholderExpected;
  private final String suffix;
  private final ValueParser<T> parser;
  private final String description;
  private final boolean reloadable;
  private final boolean fromEnvironment;
  private final boolean secret;
  private final UnaryOperator<String> freePartOfVariable;
  private final String environmentRule;

  private ConfigKeyPattern(
      String prefix,
      String placeholder,
      Pattern placeholderSyntax,
      String placeholderExpected,
      String suffix,
      ValueParser<T> parser,
      String description,
      boolean reloadable,
      boolean fromEnvironment,
      boolean secret,
      UnaryOperator<String> freePartOfVariable,
      String environmentRule) {
    if (!prefix.endsWith(".") || !(suffix.isEmpty() || suffix.startsWith("."))) {
      throw new IllegalArgumentException("prefix must end with '.', suffix start with '.'");
    }
    this.prefix = prefix;
    this.placeholder = Objects.requireNonNull(placeholder, "placeholder");
    this.placeholderSyntax = Objects.requireNonNull(placeholderSyntax, "placeholderSyntax");
    this.placeholderExpected = Objects.requireNonNull(placeholderExpected, "placeholderExpected");
    this.suffix = suffix;
    this.parser = Objects.requireNonNull(parser, "parser");
    this.description = Objects.requireNonNull(description, "description");
    this.reloadable = reloadable;
    this.fromEnvironment = fromEnvironment;
    this.secret = secret;
    this.freePartOfVariable = Objects.requireNonNull(freePartOfVariable, "freePartOfVariable");
    this.environmentRule = Objects.requireNonNull(environmentRule, "environmentRule");
  }

  /**
   * A key family {@code prefix + <placeholder> + suffix}.
   *
   * @param prefix ends with a dot, e.g. {@code "metrics.tags."}
   * @param placeholder how the help text shows the free part, e.g. {@code "<name>"}
   * @param placeholderSyntax what the free part must match
   * @param placeholderExpected what the free part should be, for errors, e.g. {@code "a tag name"}
   * @param suffix empty or starting with a dot, e.g. {@code ".rps"}
   */
  public static <T> ConfigKeyPattern<T> of(
      String prefix,
      String placeholder,
      Pattern placeholderSyntax,
      String placeholderExpected,
      String suffix,
      ValueParser<T> parser,
      String description) {
    return new ConfigKeyPattern<>(
        prefix,
        placeholder,
        placeholderSyntax,
        placeholderExpected,
        suffix,
        parser,
        description,
        false,
        true,
        false,
        ConfigKeyPattern::lowerCase,
        "the free part lower-cased");
  }

  private static String lowerCase(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  private ConfigKeyPattern<T> with(
      boolean reloadable,
      boolean fromEnvironment,
      boolean secret,
      UnaryOperator<String> freePartOfVariable,
      String environmentRule) {
    return new ConfigKeyPattern<>(
        prefix,
        placeholder,
        placeholderSyntax,
        placeholderExpected,
        suffix,
        parser,
        description,
        reloadable,
        fromEnvironment,
        secret,
        freePartOfVariable,
        environmentRule);
  }

  /** This family, marked as changeable while the server runs. */
  public ConfigKeyPattern<T> reloadable() {
    return with(true, fromEnvironment, secret, freePartOfVariable, environmentRule);
  }

  /**
   * This family, not settable from the environment (for free parts an environment variable name
   * cannot hold, such as {@code /}).
   */
  public ConfigKeyPattern<T> notFromEnvironment() {
    return with(reloadable, false, secret, freePartOfVariable, environmentRule);
  }

  /**
   * This family, with values that may be secrets: shown as {@value #SECRET_MASK} in logs, errors,
   * the summary and reload messages, and compared by their value to find changes.
   */
  public ConfigKeyPattern<T> secret() {
    return with(reloadable, fromEnvironment, true, freePartOfVariable, environmentRule);
  }

  /**
   * This family, with {@code mapping} turning the end of an environment variable name (after {@link
   * #environmentPrefix()}) into the free part of a key; the default lower-cases it. {@code rule}
   * says how, for the configuration reference, e.g. {@code "_ for . and __ for -"}.
   */
  public ConfigKeyPattern<T> environmentFreePart(UnaryOperator<String> mapping, String rule) {
    return with(reloadable, fromEnvironment, secret, mapping, rule);
  }

  /**
   * How an environment variable's end becomes the free part, e.g. {@code "the free part
   * lower-cased"}.
   */
  public String environmentRule() {
    return environmentRule;
  }

  /** How the help text shows the family, e.g. {@code ratelimit.override.<full/Method>.rps}. */
  public String template() {
    return prefix + placeholder + suffix;
  }

  /** The fixed start of every key in the family, e.g. {@code metrics.tags.}. */
  public String prefix() {
    return prefix;
  }

  /** One line saying what the keys do. */
  public String description() {
    return description;
  }

  /** Whether values may change while the server runs. */
  public boolean isReloadable() {
    return reloadable;
  }

  /**
   * The environment-variable prefix ({@code MESH_METRICS_TAGS_}) when keys of this family can be
   * set from the environment: {@code MESH_METRICS_TAGS_DEPLOY_ENV} sets {@code
   * metrics.tags.deploy_env} (the free part lower-cased, unless {@link #environmentFreePart} says
   * otherwise); a family with a suffix also needs the variable to end in {@link
   * #environmentSuffix()}: {@code MESH_CLIENT_INVENTORY_TARGET} sets {@code
   * client.inventory.target}.
   */
  public Optional<String> environmentPrefix() {
    if (!fromEnvironment) {
      return Optional.empty();
    }
    return Optional.of(variablePrefix());
  }

  /**
   * How the variable of a family with a suffix ends, e.g. {@code _TARGET}; empty without a suffix.
   */
  public String environmentSuffix() {
    return suffix.isEmpty()
        ? ""
        : "_" + ConfigKey.environmentVariable(suffix.substring(1)).substring("MESH_".length());
  }

  /**
   * How help texts show the environment variables of this family, e.g. {@code
   * MESH_METRICS_TAGS_<NAME>}; empty when it cannot be set from the environment.
   */
  public Optional<String> environmentTemplate() {
    return environmentPrefix()
        .map(envPrefix -> envPrefix + placeholder.toUpperCase(Locale.ROOT) + environmentSuffix());
  }

  /**
   * The key environment variable {@code variable} sets in this family, when it has the family's
   * prefix and suffix around a non-empty free part; empty otherwise, and always for a family that
   * cannot be set from the environment.
   */
  Optional<String> keyOfVariable(String variable) {
    String start = variablePrefix();
    String end = environmentSuffix();
    if (!fromEnvironment
        || !variable.startsWith(start)
        || !variable.endsWith(end)
        || variable.length() <= start.length() + end.length()) {
      return Optional.empty();
    }
    String freePart = variable.substring(start.length(), variable.length() - end.length());
    return Optional.of(prefix + freePartOfVariable.apply(freePart) + suffix);
  }

  /** The start every variable of this family's keys would have, e.g. {@code MESH_CLIENT_}. */
  String variablePrefix() {
    return ConfigKey.environmentVariable(prefix.substring(0, prefix.length() - 1)) + "_";
  }

  /** Whether values are {@linkplain #secret() secret}. */
  public boolean isSecret() {
    return secret;
  }

  /**
   * {@code rawText} as logs and messages may show it: {@value #SECRET_MASK} for a secret family.
   */
  public String mask(String rawText) {
    return secret ? SECRET_MASK : rawText;
  }

  /** The free part an environment variable ending in {@code variableEnd} sets. */
  String freePartOfVariable(String variableEnd) {
    return freePartOfVariable.apply(variableEnd);
  }

  /** What the free part should be, e.g. {@code "a tag name"}. */
  String placeholderExpected() {
    return placeholderExpected;
  }

  /** The free part of {@code key} if {@code key} has this family's prefix and suffix. */
  Optional<String> freePartOf(String key) {
    if (key.startsWith(prefix)
        && key.endsWith(suffix)
        && key.length() > prefix.length() + suffix.length()) {
      return Optional.of(key.substring(prefix.length(), key.length() - suffix.length()));
    }
    return Optional.empty();
  }

  boolean isValidFreePart(String freePart) {
    return placeholderSyntax.matcher(freePart).matches();
  }

  T parse(RawSetting raw, ParseContext context) {
    return raw.parseWith(parser, context);
  }

  /** Narrows a value stored for a key of this family; the loader stores only values it parsed. */
  @SuppressWarnings("unchecked")
  T cast(Object value) {
    return (T) value;
  }

  @Override
  public String toString() {
    return template();
  }
}
