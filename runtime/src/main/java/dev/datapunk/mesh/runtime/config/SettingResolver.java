package dev.datapunk.mesh.runtime.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Matches raw settings to declared keys and parses them; what does not fit becomes a problem. */
final class SettingResolver {

  private final ParseContext context;
  private final ConfigProblems problems;

  SettingResolver(ParseContext context, ConfigProblems problems) {
    this.context = context;
    this.problems = problems;
  }

  /**
   * The default of every plain key.
   *
   * @throws IllegalStateException if a declared default does not parse (a programming error)
   */
  static Map<String, ResolvedValue> defaults(ParseContext context) {
    Map<String, ResolvedValue> values = new LinkedHashMap<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      Object value;
      try {
        value = key.defaultValue(context);
      } catch (InvalidValueException e) {
        throw new IllegalStateException("default of " + key + " is invalid: " + e.getMessage(), e);
      }
      String shown = key.defaultText().map(key::mask).orElse("unset");
      values.put(
          key.name(),
          new ResolvedValue(value, entry(key.name(), shown, ConfigSource.defaultValue())));
    }
    return values;
  }

  /** The parsed setting, or empty after recording why it is unknown or invalid. */
  Optional<ResolvedValue> resolve(RawSetting raw) {
    Optional<ConfigKey<?>> key = ConfigKeys.byName(raw.key());
    if (key.isPresent()) {
      return resolvePlain(key.get(), raw);
    }
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      Optional<String> freePart = pattern.freePartOf(raw.key());
      if (freePart.isPresent()) {
        return resolveInFamily(pattern, freePart.get(), raw);
      }
    }
    reportUnknown(raw.key(), raw.source());
    return Optional.empty();
  }

  /** Whether {@code key} names a plain key or a member of a key family. */
  static boolean isKnown(String key) {
    return ConfigKeys.byName(key).isPresent()
        || ConfigKeys.PATTERNS.stream().anyMatch(p -> p.freePartOf(key).isPresent());
  }

  /** Records that {@code key} from {@code source} is no configuration key, with a hint. */
  void reportUnknown(String key, ConfigSource source) {
    List<String> family = new ArrayList<>();
    for (ConfigKeyPattern<?> pattern : ConfigKeys.PATTERNS) {
      if (key.startsWith(pattern.prefix())) {
        family.add(pattern.template());
      }
    }
    String hint;
    if (!family.isEmpty()) {
      hint = "; expected " + String.join(" or ", family);
    } else {
      List<String> names = ConfigKeys.ALL.stream().map(ConfigKey::name).toList();
      hint =
          KeySuggestions.closest(key, names).map(s -> "; did you mean \"" + s + "\"?").orElse("");
    }
    problems.unknownKey(key, source, hint);
  }

  private Optional<ResolvedValue> resolvePlain(ConfigKey<?> key, RawSetting raw) {
    try {
      Object value = key.parse(raw, context);
      return Optional.of(
          new ResolvedValue(value, entry(key.name(), key.mask(raw.shownText()), raw.source())));
    } catch (InvalidValueException e) {
      problems.invalidValue(key.name(), e, raw, key);
      return Optional.empty();
    }
  }

  private Optional<ResolvedValue> resolveInFamily(
      ConfigKeyPattern<?> pattern, String freePart, RawSetting raw) {
    if (!pattern.isValidFreePart(freePart)) {
      problems.add(
          raw.key()
              + ": expected "
              + pattern.template()
              + " with "
              + pattern.placeholderExpected()
              + ", got \""
              + freePart
              + "\" (from "
              + raw.source()
              + ")");
      return Optional.empty();
    }
    try {
      Object value = pattern.parse(raw, context);
      return Optional.of(
          new ResolvedValue(value, entry(raw.key(), pattern.mask(raw.shownText()), raw.source())));
    } catch (InvalidValueException e) {
      problems.invalidValue(raw.key(), e, raw, null);
      return Optional.empty();
    }
  }

  private static ConfigEntry entry(String key, String shown, ConfigSource source) {
    return new ConfigEntry(key, shown, source);
  }
}
