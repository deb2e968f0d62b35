package dev.datapunk.mesh.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * One configuration value as read from a layer, before parsing: text, or a list when a YAML file
 * gave one.
 *
 * @param key the configuration key as written (flattened for YAML)
 * @param text the value, or {@code null} when {@code items} holds a list
 * @param items the YAML list items, or {@code null} for a textual value
 * @param source where it came from
 */
record RawSetting(String key, String text, List<String> items, ConfigSource source) {

  RawSetting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(source, "source");
    if ((text == null) == (items == null)) {
      throw new IllegalArgumentException("exactly one of text and items must be given");
    }
    items = items == null ? null : List.copyOf(items);
  }

  static RawSetting text(String key, String text, ConfigSource source) {
    return new RawSetting(key, text, null, source);
  }

  static RawSetting list(String key, List<String> items, ConfigSource source) {
    return new RawSetting(key, null, items, source);
  }

  /** The value as the user wrote it, a list joined with commas. */
  String shownText() {
    return items == null ? text : String.join(",", items);
  }

  <T> T parseWith(ValueParser<T> parser, ParseContext context) {
    return items == null ? parser.parse(text, context) : parser.parseList(items, context);
  }
}
