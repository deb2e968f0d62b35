package dev.datapunk.mesh.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A GitHub-flavoured Markdown table, built row by row. */
public final class MarkdownTable {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  /** A table with these column titles. */
  public MarkdownTable(String... header) {
    this.header = List.of(header);
  }

  /** Adds a row; it must have one cell per column. */
  public MarkdownTable row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + header.size() + " columns");
    }
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(String.valueOf(cell));
    }
    rows.add(row);
    return this;
  }

  /** {@code value} with {@code decimals} decimals, e.g. {@code fixed(1.2345, 2)} is "1.23". */
  public static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** A ratio such as "0.97x". */
  public static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2fx", value);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    line(out, header);
    out.append('|');
    header.forEach(h -> out.append("---|"));
    out.append('\n');
    rows.forEach(row -> line(out, row));
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells) {
    out.append('|');
    cells.forEach(cell -> out.append(' ').append(cell).append(" |"));
    out.append('\n');
  }
}
