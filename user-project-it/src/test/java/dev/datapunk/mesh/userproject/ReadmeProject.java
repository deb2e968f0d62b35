package dev.datapunk.mesh.userproject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user project that README.md shows: every fenced code block that directly follows a line
 * {@code <!-- user-project: PATH -->} is the file PATH of that project, word for word.
 */
final class ReadmeProject {

  private static final Pattern MARKER = Pattern.compile("^<!-- user-project: (\\S+) -->$");
  private static final String FENCE = "```";

  private final Map<String, String> files;

  private ReadmeProject(Map<String, String> files) {
    this.files = Map.copyOf(files);
  }

  /**
   * Reads the marked blocks of {@code readme}; a marker without a block right after it is an error.
   */
  static ReadmeProject read(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher marker = MARKER.matcher(lines.get(i));
      if (!marker.matches()) {
        continue;
      }
      String path = marker.group(1);
      int fenceLine = i + 1;
      if (fenceLine >= lines.size() || !lines.get(fenceLine).startsWith(FENCE)) {
        throw new IllegalStateException(
            readme
                + " line "
                + (i + 1)
                + ": the marker for "
                + path
                + " must be followed directly by a fenced code block");
      }
      StringBuilder content = new StringBuilder();
      int line = fenceLine + 1;
      while (line < lines.size() && !lines.get(line).equals(FENCE)) {
        content.append(lines.get(line)).append('\n');
        line++;
      }
      if (line == lines.size()) {
        throw new IllegalStateException(
            readme + " line " + (fenceLine + 1) + ": the block for " + path + " is never closed");
      }
      if (files.put(path, content.toString()) != null) {
        throw new IllegalStateException(
            readme + " line " + (i + 1) + ": a second block for " + path);
      }
      i = line;
    }
    return new ReadmeProject(files);
  }

  /** Project-relative path to content, for every marked block. */
  Map<String, String> files() {
    return files;
  }

  /** Writes every file under {@code projectDir}. */
  void writeTo(Path projectDir) throws IOException {
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = projectDir.resolve(file.getKey()).normalize();
      if (!target.startsWith(projectDir)) {
        throw new IllegalStateException(
            "README.md marks a file outside the project: " + file.getKey());
      }
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
    }
  }
}
