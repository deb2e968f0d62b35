package dev.datapunk.mesh.runtime.config;

import java.util.ArrayList;
import java.util.List;

/** Collects configuration problems so that the user sees all of them at once. */
final class ConfigProblems {

  private final List<String> problems = new ArrayList<>();

  void add(String problem) {
    problems.add(problem);
  }

  /** {@code key: expected ..., got "..." (from source)}, with the value masked for {@code key}. */
  void invalidValue(String key, InvalidValueException e, RawSetting raw, ConfigKey<?> maskingKey) {
    StringBuilder message = new StringBuilder(key).append(": expected ").append(e.expected());
    e.offendingText()
        .ifPresent(text -> message.append(", got \"").append(mask(maskingKey, text)).append('"'));
    message
        .append(" (from ")
        .append(raw.source().describeWithValue(mask(maskingKey, raw.shownText())))
        .append(')');
    add(message.toString());
  }

  /** {@code unknown configuration key "k" (from source)} plus an optional hint. */
  void unknownKey(String key, ConfigSource source, String hint) {
    add("unknown configuration key \"" + key + "\" (from " + source + ")" + hint);
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static String mask(ConfigKey<?> key, String text) {
    return key == null ? text : key.mask(text);
  }
}
