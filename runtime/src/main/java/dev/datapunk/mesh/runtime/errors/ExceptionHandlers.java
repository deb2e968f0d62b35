package dev.datapunk.mesh.runtime.errors;

import io.grpc.Metadata;
import io.grpc.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered table of {@link ExceptionHandler}s of one scope: one service's handlers, or the global
 * ones. An exception is handled by the first entry whose type it is an instance of.
 *
 * <p>Generated code lists the types most specific first (the processor orders them), so the first
 * match is the most specific handler; {@link Builder#on} refuses a table in which a handler could
 * never run because a handler for one of its supertypes comes before it, or for the same type.
 * Finding the handler costs one {@link Class#isInstance} check per entry, only when an exception
 * was raised.
 */
public final class ExceptionHandlers {

  private static final ExceptionHandlers NONE = new ExceptionHandlers(List.of());

  private final List<Entry<?>> entries;

  private ExceptionHandlers(List<Entry<?>> entries) {
    this.entries = List.copyOf(entries);
  }

  /** A table without handlers. */
  public static ExceptionHandlers none() {
    return NONE;
  }

  /** Starts a table; add handlers most specific type first. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the table has no handler. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The exception types handled, in the order they are tried. */
  public List<Class<? extends Exception>> types() {
    return entries.stream().<Class<? extends Exception>>map(Entry::type).toList();
  }

  /** The first entry whose type {@code exception} is an instance of, or {@code null}. */
  Entry<?> match(Exception exception) {
    for (Entry<?> entry : entries) {
      if (entry.type.isInstance(exception)) {
        return entry;
      }
    }
    return null;
  }

  /** One handler and the type it handles. */
  static final class Entry<E extends Exception> {
    private final Class<E> type;
    private final ExceptionHandler<? super E> handler;

    private Entry(Class<E> type, ExceptionHandler<? super E> handler) {
      this.type = type;
      this.handler = handler;
    }

    Class<E> type() {
      return type;
    }

    /** Runs the handler on {@code exception}, an instance of {@link #type()}. */
    StatusException handle(Exception exception, Metadata trailers) {
      return handler.handle(type.cast(exception), trailers);
    }
  }

  /** Builds an {@link ExceptionHandlers}. */
  public static final class Builder {
    private final List<Entry<?>> entries = new ArrayList<>();

    private Builder() {}

    /**
     * Handles exceptions of {@code type} (and its subtypes without a handler of their own listed
     * before) with {@code handler}.
     *
     * @throws IllegalArgumentException when {@code type}, or one of its supertypes, already has a
     *     handler: this one would never run
     */
    public <E extends Exception> Builder on(Class<E> type, ExceptionHandler<? super E> handler) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(handler, "handler");
      for (Entry<?> earlier : entries) {
        if (earlier.type == type) {
          throw new IllegalArgumentException("two exception handlers for " + type.getName());
        }
        if (earlier.type.isAssignableFrom(type)) {
          throw new IllegalArgumentException(
              "the exception handler for "
                  + type.getName()
                  + " comes after the one for its supertype "
                  + earlier.type.getName()
                  + ", so it would never run; list more specific types first");
        }
      }
      entries.add(new Entry<>(type, handler));
      return this;
    }

    public ExceptionHandlers build() {
      return entries.isEmpty() ? NONE : new ExceptionHandlers(entries);
    }
  }
}
