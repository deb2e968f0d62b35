package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.Comparator;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * One valid {@code @MeshExceptionHandler} method.
 *
 * @param element the method
 * @param owner the class declaring it
 * @param methodName its name
 * @param isStatic whether it is static (called on the class, not on the service instance)
 * @param exceptionType the exception type it handles
 * @param depth how many superclasses {@code exceptionType} has: a subtype is always deeper than its
 *     supertypes, so handlers sorted by descending depth are tested most specific first
 * @param takesTrailers whether it takes the call's trailers as second parameter
 */
public record ExceptionHandlerModel(
    ExecutableElement element,
    ClassName owner,
    String methodName,
    boolean isStatic,
    ClassName exceptionType,
    int depth,
    boolean takesTrailers) {

  /** The order generated tables list handlers in: most specific type first, then by type name. */
  public static final Comparator<ExceptionHandlerModel> MOST_SPECIFIC_FIRST =
      Comparator.comparingInt(ExceptionHandlerModel::depth)
          .reversed()
          .thenComparing(handler -> handler.exceptionType().canonicalName());

  /** The model of {@code method}, a validated handler. */
  public static ExceptionHandlerModel of(ExecutableElement method, Types types) {
    TypeMirror exception = method.getParameters().get(0).asType();
    TypeElement exceptionElement = (TypeElement) types.asElement(exception);
    int depth = 0;
    for (TypeMirror superclass = exceptionElement.getSuperclass();
        superclass.getKind() == TypeKind.DECLARED;
        superclass = ((TypeElement) types.asElement(superclass)).getSuperclass()) {
      depth++;
    }
    return new ExceptionHandlerModel(
        method,
        ClassName.get((TypeElement) method.getEnclosingElement()),
        method.getSimpleName().toString(),
        method.getModifiers().contains(Modifier.STATIC),
        ClassName.get(exceptionElement),
        depth,
        method.getParameters().size() == 2);
  }

  /** {@code handlers} in the order generated tables list them. */
  public static List<ExceptionHandlerModel> ordered(List<ExceptionHandlerModel> handlers) {
    return handlers.stream().sorted(MOST_SPECIFIC_FIRST).toList();
  }
}
