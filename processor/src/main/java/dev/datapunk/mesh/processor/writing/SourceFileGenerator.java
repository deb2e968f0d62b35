package dev.datapunk.mesh.processor.writing;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.JavaFile;
import com.squareup.javapoet.TypeSpec;
import java.io.IOException;
import java.util.List;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Generated;
import javax.lang.model.element.Element;

/**
 * Writes one source file per model. Adds what every generated file shares: {@code @Generated}
 * naming the processor, the originating elements (so incremental builds know what a file depends
 * on), no {@code java.lang} imports and two-space indentation.
 *
 * @param <M> the model a file is generated from
 */
public abstract class SourceFileGenerator<M> {

  /** The value of {@code @Generated} on every generated class. */
  public static final String GENERATOR = "dev.datapunk.mesh.processor.MeshProcessor";

  private final Filer filer;

  protected SourceFileGenerator(Filer filer) {
    this.filer = filer;
  }

  /** The name of the class generated for {@code model}. */
  public abstract ClassName className(M model);

  /** The class for {@code model}, without {@code @Generated} and originating elements. */
  protected abstract TypeSpec.Builder type(M model);

  /** The elements the generated file is derived from. */
  protected abstract List<? extends Element> originatingElements(M model);

  /** The complete source file for {@code model}, as it will be written. */
  public JavaFile javaFile(M model) {
    TypeSpec.Builder type =
        type(model)
            .addAnnotation(
                AnnotationSpec.builder(Generated.class)
                    .addMember("value", "$S", GENERATOR)
                    .build());
    originatingElements(model).forEach(type::addOriginatingElement);
    return JavaFile.builder(className(model).packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  /** Writes the file for {@code model} with the {@link Filer}. */
  public void write(M model) throws IOException {
    javaFile(model).writeTo(filer);
  }
}
