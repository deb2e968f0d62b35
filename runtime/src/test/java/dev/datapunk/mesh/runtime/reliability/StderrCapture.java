package dev.datapunk.mesh.runtime.reliability;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies what is written to {@code System.err} (where the SLF4J simple logger writes) into a
 * buffer, while still passing it through, until closed.
 */
public final class StderrCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  private StderrCapture() {
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (buffer) {
              buffer.write(b);
            }
            original.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            synchronized (buffer) {
              buffer.write(bytes, offset, length);
            }
            original.write(bytes, offset, length);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  public static StderrCapture start() {
    return new StderrCapture();
  }

  /** Everything written since {@link #start()}. */
  public String text() {
    synchronized (buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }

  /** The lines written since {@link #start()} that contain every one of {@code parts}. */
  public java.util.List<String> linesContaining(String... parts) {
    return text()
        .lines()
        .filter(
            line -> {
              for (String part : parts) {
                if (!line.contains(part)) {
                  return false;
                }
              }
              return true;
            })
        .toList();
  }

  @Override
  public void close() {
    System.err.flush();
    System.setErr(original);
  }
}
