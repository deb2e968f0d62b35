package dev.datapunk.mesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the repository's Markdown (README, docs, bench) names a file that exists
 * and, with a {@code #fragment}, a heading of that file (GitHub's anchors: lower case, punctuation
 * dropped, spaces as hyphens, repeats numbered).
 */
class DocumentationLinksTest {

  private static final Path ROOT =
      Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern FENCE = Pattern.compile("(?m)^```.*?^```", Pattern.DOTALL);
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`\n]*`");

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<Path> documents = markdownFiles();
    assertThat(documents)
        .contains(ROOT.resolve("README.md"), ROOT.resolve("docs/configuration.md"));
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path document : documents) {
      String prose = CODE_SPAN.matcher(prose(Files.readString(document))).replaceAll("");
      Matcher link = LINK.matcher(prose);
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        checked++;
        String problem = problemOf(document, target);
        if (problem != null) {
          broken.add(ROOT.relativize(document) + ": (" + target + ") " + problem);
        }
      }
    }
    assertThat(broken).as("broken links").isEmpty();
    assertThat(checked).as("relative links checked").isGreaterThan(10);
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertThat(
            anchors("## The per-call chain\n### `tls.mode` and TLS (1.3)\n## The per-call chain\n"))
        .containsExactlyInAnyOrder(
            "the-per-call-chain", "tlsmode-and-tls-13", "the-per-call-chain-1");
  }

  private static String problemOf(Path document, String target) throws IOException {
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (hash < 0) {
      return null;
    }
    if (!resolved.toString().endsWith(".md")) {
      return "fragment on a file that is not Markdown";
    }
    String fragment = target.substring(hash + 1);
    return anchors(Files.readString(resolved)).contains(fragment) ? null : "no such heading";
  }

  private static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : prose(markdown).split("\n", -1)) {
      if (line.matches("#{1,6} .*")) {
        String slug =
            line.replaceFirst("#+ ", "")
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
        int repeat = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
      }
    }
    return anchors;
  }

  /** {@code markdown} without fenced code blocks; code spans keep their text (headings use it). */
  private static String prose(String markdown) {
    return FENCE.matcher(markdown).replaceAll("");
  }

  private static List<Path> markdownFiles() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(path -> path.toString().endsWith(".md"))
          .filter(path -> !ROOT.relativize(path).toString().matches("(\\.git|.*/?target)(/.*)?"))
          .sorted()
          .toList();
    }
  }
}
