package dev.datapunk.mesh.runtime.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a YAML configuration file into flat settings: nested mappings are joined with dots, so
 * {@code server: {port: 50051}} and {@code server.port: 50051} are the same; a YAML list is kept as
 * a list (only list-typed keys accept one). Every setting remembers its file and line.
 */
final class YamlConfigFile {

  private static final int MAX_DEPTH = 16;

  private final String label;
  private final ConfigProblems problems;
  private final List<RawSetting> settings = new ArrayList<>();
  private final Map<String, ConfigSource> seen = new HashMap<>();

  private YamlConfigFile(String label, ConfigProblems problems) {
    this.label = label;
    this.problems = problems;
  }

  /**
   * The settings in {@code file}; problems (unreadable file, YAML syntax, a key set twice) go to
   * {@code problems}.
   *
   * @param label how messages name the file, e.g. {@code mesh.yaml}
   */
  static List<RawSetting> read(Path file, String label, ConfigProblems problems) {
    YamlConfigFile reader = new YamlConfigFile(label, problems);
    reader.readDocument(file);
    return List.copyOf(reader.settings);
  }

  private void readDocument(Path file) {
    LoadSettings settings = LoadSettings.builder().setLabel(label).build();
    Optional<Node> root;
    try {
      root = new Compose(settings).composeString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (CharacterCodingException e) {
      problems.add("cannot read configuration file " + label + ": it is not UTF-8 text");
      return;
    } catch (IOException e) {
      problems.add("cannot read configuration file " + label + ": " + e);
      return;
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      String where = mark.map(m -> label + " line " + (m.getLine() + 1)).orElse(label);
      problems.add(where + ": invalid YAML: " + e.getProblem());
      return;
    } catch (YamlEngineException e) {
      problems.add(label + ": invalid YAML: " + e.getMessage());
      return;
    }
    root.ifPresent(this::readRoot);
  }

  private void readRoot(Node root) {
    if (root instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL)) {
      return;
    }
    if (!(root instanceof MappingNode mapping)) {
      problems.add(
          label + " line " + line(root) + ": expected a mapping of configuration keys to values");
      return;
    }
    flatten("", mapping, 0);
  }

  private void flatten(String prefix, MappingNode mapping, int depth) {
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      ConfigSource source = ConfigSource.file(label, line(keyNode));
      if (!(keyNode instanceof ScalarNode keyScalar) || keyScalar.getValue().isEmpty()) {
        problems.add("a configuration key must be non-empty text (from " + source + ")");
        continue;
      }
      String key = prefix.isEmpty() ? keyScalar.getValue() : prefix + "." + keyScalar.getValue();
      Node value = tuple.getValueNode();
      if (value instanceof MappingNode nested) {
        if (depth >= MAX_DEPTH) {
          problems.add(
              key + ": nested more than " + MAX_DEPTH + " levels deep (from " + source + ")");
        } else {
          flatten(key, nested, depth + 1);
        }
      } else if (value instanceof SequenceNode sequence) {
        readList(key, sequence, source);
      } else if (value instanceof ScalarNode scalar) {
        readScalar(key, scalar, source);
      }
    }
  }

  private void readList(String key, SequenceNode sequence, ConfigSource source) {
    List<String> items = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
        problems.add(key + ": list items must be plain values (from " + source + ")");
        return;
      }
      items.add(scalar.getValue());
    }
    add(RawSetting.list(key, items, source));
  }

  private void readScalar(String key, ScalarNode scalar, ConfigSource source) {
    if (scalar.getTag().equals(Tag.NULL)) {
      problems.add(key + ": has no value (from " + source + "); remove it to use the default");
      return;
    }
    add(RawSetting.text(key, scalar.getValue(), source));
  }

  private void add(RawSetting setting) {
    ConfigSource earlier = seen.putIfAbsent(setting.key(), setting.source());
    if (earlier != null) {
      problems.add(
          setting.key() + ": set twice (from " + earlier + " and " + setting.source() + ")");
      return;
    }
    settings.add(setting);
  }

  private static int line(Node node) {
    return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(1);
  }
}
