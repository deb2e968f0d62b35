package dev.datapunk.mesh.runtime.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules of a handler table, and the choice between a service's handlers and the global ones.
 */
class ExceptionHandlersTest {

  private static final ExceptionHandler<Exception> ANY =
      (e, trailers) -> HandlerResults.of(Status.INTERNAL, trailers);

  @Test
  void aHandlerAfterOneForItsSupertypeIsRefused() {
    ExceptionHandlers.Builder builder = ExceptionHandlers.builder().on(IOException.class, ANY);
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class, () -> builder.on(FileNotFoundException.class, ANY));
    assertThat(refused)
        .hasMessage(
            "the exception handler for java.io.FileNotFoundException comes after the one for its"
                + " supertype java.io.IOException, so it would never run; list more specific types"
                + " first");
  }

  @Test
  void aSecondHandlerForOneTypeIsRefused() {
    ExceptionHandlers.Builder builder = ExceptionHandlers.builder().on(IOException.class, ANY);
    assertThat(
            assertThrows(IllegalArgumentException.class, () -> builder.on(IOException.class, ANY)))
        .hasMessage("two exception handlers for java.io.IOException");
  }

  @Test
  void theFirstMatchingTypeHandles() {
    ExceptionHandlers table =
        ExceptionHandlers.builder()
            .on(
                FileNotFoundException.class,
                (e, trailers) -> HandlerResults.of(Status.NOT_FOUND, trailers))
            .on(IOException.class, (e, trailers) -> HandlerResults.of(Status.UNAVAILABLE, trailers))
            .build();
    assertThat(table.types()).containsExactly(FileNotFoundException.class, IOException.class);
    ExceptionMapper mapper = ExceptionMapper.of(table, ExceptionHandlers.none());
    assertThat(code(mapper, new FileNotFoundException())).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(mapper, new java.net.SocketException())).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(code(mapper, new IllegalStateException())).isEqualTo(Status.Code.UNKNOWN);
    assertThat(code(mapper, new AssertionError()))
        .as("errors are never mapped")
        .isEqualTo(Status.Code.UNKNOWN);
  }

  @Test
  void aGlobalHandlerWinsOnlyWhenItsTypeIsNarrower() {
    ExceptionHandlers service =
        ExceptionHandlers.builder()
            .on(IOException.class, (e, trailers) -> HandlerResults.of(Status.UNAVAILABLE, trailers))
            .on(
                IllegalStateException.class,
                (e, trailers) -> HandlerResults.of(Status.FAILED_PRECONDITION, trailers))
            .build();
    ExceptionHandlers global =
        ExceptionHandlers.builder()
            .on(
                FileNotFoundException.class,
                (e, trailers) -> HandlerResults.of(Status.NOT_FOUND, trailers))
            .on(
                IllegalStateException.class,
                (e, trailers) -> HandlerResults.of(Status.INTERNAL, trailers))
            .on(
                RuntimeException.class,
                (e, trailers) -> HandlerResults.of(Status.INTERNAL, trailers))
            .build();
    ExceptionMapper mapper = ExceptionMapper.of(service, global);
    assertThat(code(mapper, new FileNotFoundException())).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(mapper, new java.net.SocketException())).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(code(mapper, new IllegalStateException()))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(code(mapper, new UnsupportedOperationException())).isEqualTo(Status.Code.INTERNAL);
  }

  @Test
  void resultsCarryTheirTrailersAndRichDetails() {
    Metadata.Key<String> key = Metadata.Key.of("x-id", Metadata.ASCII_STRING_MARSHALLER);
    Metadata own = new Metadata();
    own.put(key, "7");
    StatusException fromRuntime =
        HandlerResults.of(Status.ABORTED.asRuntimeException(own), new Metadata());
    assertThat(fromRuntime.getTrailers().get(key)).isEqualTo("7");

    com.google.rpc.Status rich =
        com.google.rpc.Status.newBuilder().setCode(5).setMessage("gone").build();
    StatusException fromProto = HandlerResults.of(rich, new Metadata());
    assertThat(fromProto.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(fromProto.getStatus().getDescription()).isEqualTo("gone");
    assertThat(
            io.grpc.protobuf.StatusProto.fromStatusAndTrailers(
                fromProto.getStatus(), fromProto.getTrailers()))
        .isEqualTo(rich);
    assertThrows(
        NullPointerException.class, () -> HandlerResults.of((Status) null, new Metadata()));
  }

  private static Status.Code code(ExceptionMapper mapper, Throwable failure) {
    return mapper.map(failure, "test/Method", new Metadata()).getStatus().getCode();
  }

  @Test
  void anEmptyTableIsTheSharedNone() {
    assertThat(ExceptionHandlers.builder().build()).isSameAs(ExceptionHandlers.none());
    assertThat(ExceptionMapper.of(ExceptionHandlers.none(), ExceptionHandlers.none()))
        .isSameAs(ExceptionMapper.UNMAPPED);
    assertThat(ExceptionHandlers.none().types()).isEqualTo(List.of());
  }
}
