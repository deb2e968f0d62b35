package dev.datapunk.mesh.bench.jmh;

import static dev.datapunk.mesh.bench.report.MarkdownTable.fixed;

import dev.datapunk.mesh.bench.report.MarkdownTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's allocation samples ({@code jdk.ObjectAllocationSample}): which code
 * allocated what share of the sampled bytes. A sample is named by its innermost frame outside the
 * JDK (the code that allocated) and, when that is not mesh runtime code, the innermost mesh runtime
 * frame below it on the stack (the stage it ran under).
 */
public final class AllocationProfile {

  private static final String RUNTIME = "dev.datapunk.mesh.runtime.";

  private AllocationProfile() {}

  /** The {@code top} heaviest allocation sites in {@code recording}, as a Markdown table. */
  public static String summarise(Path recording, int top) throws IOException {
    Map<String, Long> bytesBySite = new HashMap<>();
    long total = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (!event.getEventType().getName().equals("jdk.ObjectAllocationSample")) {
        continue;
      }
      long weight = event.getLong("weight");
      total += weight;
      bytesBySite.merge(
          site(event.getStackTrace()) + " (" + event.getClass("objectClass").getName() + ")",
          weight,
          Long::sum);
    }
    MarkdownTable table =
        new MarkdownTable("share of sampled bytes", "charged to (allocated type)");
    long all = Math.max(total, 1);
    List<Map.Entry<String, Long>> heaviest =
        bytesBySite.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(top)
            .toList();
    for (Map.Entry<String, Long> entry : heaviest) {
      table.row(fixed(100.0 * entry.getValue() / all, 1) + " %", "`" + entry.getKey() + "`");
    }
    return table.toString();
  }

  private static String site(RecordedStackTrace stack) {
    if (stack == null) {
      return "(no stack)";
    }
    String allocator = null;
    for (RecordedFrame frame : stack.getFrames()) {
      String type = frame.getMethod().getType().getName();
      String name = type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
      if (allocator == null
          && !type.startsWith("java.")
          && !type.startsWith("jdk.")
          && !type.startsWith("sun.")) {
        allocator = name;
      }
      if (type.startsWith(RUNTIME)) {
        return name.equals(allocator) ? name : allocator + " under " + name;
      }
    }
    return allocator == null ? "(JDK only)" : allocator;
  }
}
