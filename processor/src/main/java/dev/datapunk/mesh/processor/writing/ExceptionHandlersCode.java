package dev.datapunk.mesh.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import dev.datapunk.mesh.processor.model.ExceptionHandlerModel;
import java.util.List;

/**
 * The code of an {@code ExceptionHandlers} table: one {@code .on(Type.class, lambda)} per handler,
 * in the model's order (most specific type first), each lambda calling the handler method and
 * converting its result with {@code HandlerResults.of}.
 */
final class ExceptionHandlersCode {

  static final ClassName EXCEPTION_HANDLERS =
      ClassName.get("dev.datapunk.mesh.runtime.errors", "ExceptionHandlers");
  private static final ClassName HANDLER_RESULTS =
      ClassName.get("dev.datapunk.mesh.runtime.errors", "HandlerResults");

  private ExceptionHandlersCode() {}

  /**
   * The expression building the table of {@code handlers}, one line per handler; instance handlers
   * are called on the field {@code instance}. Lines after the first are not indented: in a
   * statement JavaPoet indents them.
   */
  static CodeBlock table(List<ExceptionHandlerModel> handlers, String instance) {
    CodeBlock.Builder code = CodeBlock.builder().add("$T.builder()", EXCEPTION_HANDLERS);
    for (ExceptionHandlerModel handler : handlers) {
      CodeBlock receiver =
          handler.isStatic() ? CodeBlock.of("$T", handler.owner()) : CodeBlock.of("$N", instance);
      CodeBlock arguments =
          handler.takesTrailers() ? CodeBlock.of("exception, trailers") : CodeBlock.of("exception");
      code.add(
          "\n.on($T.class,$W(exception, trailers) -> $T.of($L.$N($L), trailers))",
          handler.exceptionType(),
          HANDLER_RESULTS,
          receiver,
          handler.methodName(),
          arguments);
    }
    return code.add("\n.build()").build();
  }
}
