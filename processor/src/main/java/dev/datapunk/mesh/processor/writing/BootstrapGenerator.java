package dev.datapunk.mesh.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeSpec;
import dev.datapunk.mesh.processor.model.BootstrapModel;
import dev.datapunk.mesh.processor.model.ServiceModel;
import java.util.List;
import java.util.stream.Collectors;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Generates the bootstrap class: a {@code main(String[])} that runs every mesh service of the
 * compilation through {@code MeshApplication.run}, and {@code bindings()} for tests and embedding.
 */
public final class BootstrapGenerator extends SourceFileGenerator<BootstrapModel> {

  private static final ClassName MESH_APPLICATION = ClassName.get("dev.datapunk.mesh.runtime", "MeshApplication");
  private static final ClassName LIST = ClassName.get(List.class);

  public BootstrapGenerator(Filer filer) {
    super(filer);
  }

  @Override
  public ClassName className(BootstrapModel model) {
    return model.className();
  }

  @Override
  protected List<? extends Element> originatingElements(BootstrapModel model) {
    return model.services().stream().map(ServiceModel::element).collect(Collectors.toList());
  }

  @Override
  protected TypeSpec.Builder type(BootstrapModel model) {
    CodeBlock serviceLinks = model.services().stream()
        .map(service -> CodeBlock.of("{@link $T}", service.serviceClass()))
        .collect(CodeBlock.joining(", "));
    CodeBlock bindings = model.services().stream()
        .map(service -> CodeBlock.of("new $T(new $T())", service.bindingClass(), service.serviceClass()))
        .collect(CodeBlock.joining(",\n"));
    return TypeSpec.classBuilder(model.className())
        .addJavadoc("Starts the mesh services of this module: $L.\n", serviceLinks)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(MethodSpec.methodBuilder("main")
            .addJavadoc("Starts every mesh service of this module in one server; see {@link $T}.\n", MESH_APPLICATION)
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addParameter(String[].class, "args")
            .addStatement("$T.run(args, bindings())", MESH_APPLICATION)
            .build())
        .addMethod(MethodSpec.methodBuilder("bindings")
            .addJavadoc("Every mesh service of this module, each created with {@code new}.\n")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(ParameterizedTypeName.get(LIST, BindingGenerator.MESH_BINDING))
            .addStatement("return $T.of(\n$L)", LIST, bindings)
            .build());
  }
}
