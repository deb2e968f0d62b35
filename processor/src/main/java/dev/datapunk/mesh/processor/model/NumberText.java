package dev.datapunk.mesh.processor.model;

/** How numbers appear in messages, Javadoc and generated literals. */
public final class NumberText {

  private static final double LARGEST_EXACT_LONG = 0x1p53;

  private NumberText() {}

  /**
   * {@code value} without a trailing {@code .0} when integral ({@code 50}, {@code 0}, {@code
   * 2000000}), else as {@link Double#toString} ({@code 0.5}, {@code NaN}, {@code Infinity}).
   */
  public static String of(double value) {
    if (value == Math.rint(value) && Math.abs(value) <= LARGEST_EXACT_LONG) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
