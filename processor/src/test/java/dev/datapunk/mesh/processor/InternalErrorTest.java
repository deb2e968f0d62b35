package dev.datapunk.mesh.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * An unexpected exception anywhere in a round, not only inside one service, becomes one {@code
 * [MeshInternalError]} error and is never thrown out of {@code process}: javac would otherwise
 * report a crash of the processor with a stack trace instead of a diagnostic.
 */
class InternalErrorTest {

  private record Printed(Diagnostic.Kind kind, String text) {}

  @Test
  void anExceptionOutsideAnyServiceIsOneDiagnosticAndNothingIsThrown() {
    List<Printed> printed = new ArrayList<>();
    MeshProcessor processor = new MeshProcessor();
    processor.init(environment(printed));
    RoundEnvironment failingRound =
        fake(
            RoundEnvironment.class,
            (method, args) -> {
              throw new IllegalStateException("round unavailable");
            });

    boolean claimed = processor.process(Set.of(), failingRound);

    assertFalse(claimed);
    assertEquals(1, printed.size(), "one diagnostic: " + printed);
    assertEquals(Diagnostic.Kind.ERROR, printed.get(0).kind());
    assertTrue(
        printed
            .get(0)
            .text()
            .startsWith(
                "[MeshInternalError] the mesh processor failed on an annotation-processing round"
                    + " (java.lang.IllegalStateException: round unavailable at "),
        printed.get(0).text());
    assertTrue(
        printed
            .get(0)
            .text()
            .endsWith("this is a bug in the processor, please report it with this message"));
  }

  /**
   * A processing environment with no elements and no options whose messager records what is
   * printed.
   */
  private static ProcessingEnvironment environment(List<Printed> printed) {
    Messager messager =
        fake(
            Messager.class,
            (method, args) -> {
              if (method.equals("printMessage")) {
                printed.add(new Printed((Diagnostic.Kind) args[0], args[1].toString()));
              }
              return null;
            });
    Elements elements = fake(Elements.class, (method, args) -> null);
    Types types = fake(Types.class, (method, args) -> null);
    Filer filer = fake(Filer.class, (method, args) -> null);
    return fake(
        ProcessingEnvironment.class,
        (method, args) ->
            switch (method) {
              case "getMessager" -> messager;
              case "getElementUtils" -> elements;
              case "getTypeUtils" -> types;
              case "getFiler" -> filer;
              case "getOptions" -> Map.of();
              default -> null;
            });
  }

  private interface Answer {
    Object answer(String method, Object[] args);
  }

  private static <T> T fake(Class<T> type, Answer answer) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "toString" -> "fake " + type.getSimpleName();
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> answer.answer(method.getName(), args);
                }));
  }
}
