package dev.datapunk.mesh.runtime.logging;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * An SLF4J {@link Logger} of the mesh that passes a call on to the backend's logger of the same
 * name only when its level is at or above this logger's threshold ({@code log.level}, {@code
 * log.levels.<category>}), which can change while the server runs. The threshold is one volatile
 * read; a call below it returns at once, so a disabled call allocates nothing (beyond what the
 * caller builds, such as a varargs array). The backend still applies its own level afterwards: the
 * gate can only make a logger quieter than the backend lets it be, never louder.
 *
 * <p>Obtained from {@link MeshLoggers}; one instance per name.
 */
final class GatedLogger implements Logger {

  private final Logger delegate;
  private volatile LogLevel threshold;

  GatedLogger(Logger delegate, LogLevel threshold) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.threshold = Objects.requireNonNull(threshold, "threshold");
  }

  /** The lowest level this logger passes on. */
  LogLevel threshold() {
    return threshold;
  }

  /** Passes on levels from {@code level} up, from the next call on. */
  void threshold(LogLevel level) {
    this.threshold = Objects.requireNonNull(level, "level");
  }

  private boolean passes(LogLevel level) {
    return threshold.compareTo(level) <= 0;
  }

  @Override
  public String getName() {
    return delegate.getName();
  }

  /**
   * The backend's builder, so that the fluent API ({@code atDebug()...}) formats as the backend
   * does.
   */
  @Override
  public LoggingEventBuilder makeLoggingEventBuilder(Level level) {
    return delegate.makeLoggingEventBuilder(level);
  }

  @Override
  public boolean isTraceEnabled() {
    return passes(LogLevel.TRACE) && delegate.isTraceEnabled();
  }

  @Override
  public boolean isTraceEnabled(Marker marker) {
    return passes(LogLevel.TRACE) && delegate.isTraceEnabled(marker);
  }

  @Override
  public void trace(String msg) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(msg);
    }
  }

  @Override
  public void trace(String format, Object arg) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(format, arg);
    }
  }

  @Override
  public void trace(String format, Object first, Object second) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(format, first, second);
    }
  }

  @Override
  public void trace(String format, Object... arguments) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(format, arguments);
    }
  }

  @Override
  public void trace(String msg, Throwable t) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(msg, t);
    }
  }

  @Override
  public void trace(Marker marker, String msg) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(marker, msg);
    }
  }

  @Override
  public void trace(Marker marker, String format, Object arg) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(marker, format, arg);
    }
  }

  @Override
  public void trace(Marker marker, String format, Object first, Object second) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(marker, format, first, second);
    }
  }

  @Override
  public void trace(Marker marker, String format, Object... arguments) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(marker, format, arguments);
    }
  }

  @Override
  public void trace(Marker marker, String msg, Throwable t) {
    if (passes(LogLevel.TRACE)) {
      delegate.trace(marker, msg, t);
    }
  }

  @Override
  public boolean isDebugEnabled() {
    return passes(LogLevel.DEBUG) && delegate.isDebugEnabled();
  }

  @Override
  public boolean isDebugEnabled(Marker marker) {
    return passes(LogLevel.DEBUG) && delegate.isDebugEnabled(marker);
  }

  @Override
  public void debug(String msg) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(msg);
    }
  }

  @Override
  public void debug(String format, Object arg) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(format, arg);
    }
  }

  @Override
  public void debug(String format, Object first, Object second) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(format, first, second);
    }
  }

  @Override
  public void debug(String format, Object... arguments) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(format, arguments);
    }
  }

  @Override
  public void debug(String msg, Throwable t) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(msg, t);
    }
  }

  @Override
  public void debug(Marker marker, String msg) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(marker, msg);
    }
  }

  @Override
  public void debug(Marker marker, String format, Object arg) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(marker, format, arg);
    }
  }

  @Override
  public void debug(Marker marker, String format, Object first, Object second) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(marker, format, first, second);
    }
  }

  @Override
  public void debug(Marker marker, String format, Object... arguments) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(marker, format, arguments);
    }
  }

  @Override
  public void debug(Marker marker, String msg, Throwable t) {
    if (passes(LogLevel.DEBUG)) {
      delegate.debug(marker, msg, t);
    }
  }

  @Override
  public boolean isInfoEnabled() {
    return passes(LogLevel.INFO) && delegate.isInfoEnabled();
  }

  @Override
  public boolean isInfoEnabled(Marker marker) {
    return passes(LogLevel.INFO) && delegate.isInfoEnabled(marker);
  }

  @Override
  public void info(String msg) {
    if (passes(LogLevel.INFO)) {
      delegate.info(msg);
    }
  }

  @Override
  public void info(String format, Object arg) {
    if (passes(LogLevel.INFO)) {
      delegate.info(format, arg);
    }
  }

  @Override
  public void info(String format, Object first, Object second) {
    if (passes(LogLevel.INFO)) {
      delegate.info(format, first, second);
    }
  }

  @Override
  public void info(String format, Object... arguments) {
    if (passes(LogLevel.INFO)) {
      delegate.info(format, arguments);
    }
  }

  @Override
  public void info(String msg, Throwable t) {
    if (passes(LogLevel.INFO)) {
      delegate.info(msg, t);
    }
  }

  @Override
  public void info(Marker marker, String msg) {
    if (passes(LogLevel.INFO)) {
      delegate.info(marker, msg);
    }
  }

  @Override
  public void info(Marker marker, String format, Object arg) {
    if (passes(LogLevel.INFO)) {
      delegate.info(marker, format, arg);
    }
  }

  @Override
  public void info(Marker marker, String format, Object first, Object second) {
    if (passes(LogLevel.INFO)) {
      delegate.info(marker, format, first, second);
    }
  }

  @Override
  public void info(Marker marker, String format, Object... arguments) {
    if (passes(LogLevel.INFO)) {
      delegate.info(marker, format, arguments);
    }
  }

  @Override
  public void info(Marker marker, String msg, Throwable t) {
    if (passes(LogLevel.INFO)) {
      delegate.info(marker, msg, t);
    }
  }

  @Override
  public boolean isWarnEnabled() {
    return passes(LogLevel.WARN) && delegate.isWarnEnabled();
  }

  @Override
  public boolean isWarnEnabled(Marker marker) {
    return passes(LogLevel.WARN) && delegate.isWarnEnabled(marker);
  }

  @Override
  public void warn(String msg) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(msg);
    }
  }

  @Override
  public void warn(String format, Object arg) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(format, arg);
    }
  }

  @Override
  public void warn(String format, Object first, Object second) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(format, first, second);
    }
  }

  @Override
  public void warn(String format, Object... arguments) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(format, arguments);
    }
  }

  @Override
  public void warn(String msg, Throwable t) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(msg, t);
    }
  }

  @Override
  public void warn(Marker marker, String msg) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(marker, msg);
    }
  }

  @Override
  public void warn(Marker marker, String format, Object arg) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(marker, format, arg);
    }
  }

  @Override
  public void warn(Marker marker, String format, Object first, Object second) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(marker, format, first, second);
    }
  }

  @Override
  public void warn(Marker marker, String format, Object... arguments) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(marker, format, arguments);
    }
  }

  @Override
  public void warn(Marker marker, String msg, Throwable t) {
    if (passes(LogLevel.WARN)) {
      delegate.warn(marker, msg, t);
    }
  }

  @Override
  public boolean isErrorEnabled() {
    return passes(LogLevel.ERROR) && delegate.isErrorEnabled();
  }

  @Override
  public boolean isErrorEnabled(Marker marker) {
    return passes(LogLevel.ERROR) && delegate.isErrorEnabled(marker);
  }

  @Override
  public void error(String msg) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(msg);
    }
  }

  @Override
  public void error(String format, Object arg) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(format, arg);
    }
  }

  @Override
  public void error(String format, Object first, Object second) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(format, first, second);
    }
  }

  @Override
  public void error(String format, Object... arguments) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(format, arguments);
    }
  }

  @Override
  public void error(String msg, Throwable t) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(msg, t);
    }
  }

  @Override
  public void error(Marker marker, String msg) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(marker, msg);
    }
  }

  @Override
  public void error(Marker marker, String format, Object arg) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(marker, format, arg);
    }
  }

  @Override
  public void error(Marker marker, String format, Object first, Object second) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(marker, format, first, second);
    }
  }

  @Override
  public void error(Marker marker, String format, Object... arguments) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(marker, format, arguments);
    }
  }

  @Override
  public void error(Marker marker, String msg, Throwable t) {
    if (passes(LogLevel.ERROR)) {
      delegate.error(marker, msg, t);
    }
  }

  @Override
  public String toString() {
    return "GatedLogger[" + getName() + ", " + threshold() + "]";
  }
}
