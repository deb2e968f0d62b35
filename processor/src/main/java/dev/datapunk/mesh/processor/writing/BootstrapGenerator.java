package dev.datapunk.mesh.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeSpec;
import dev.datapunk.mesh.processor.model.BootstrapModel;
import dev.datapunk.mesh.processor.model.ExtensionsModel;
import dev.datapunk.mesh.processor.model.HealthCheckModel;
import dev.datapunk.mesh.processor.model.ServiceModel;
import dev.datapunk.mesh.processor.model.StageModel;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Generates the bootstrap class: a {@code main(String[])} that runs the compilation's {@code
 * module()} through {@code MeshApplication.run}; {@code module()}, every service with the user
 * stages, health checks and global exception handlers; {@code bindings()}, the services alone, each
 * created with {@code new} or its {@code @MeshFactory} method; and {@code extensions()}, the rest
 * without the services, for a main of the user's own.
 */
public final class BootstrapGenerator extends SourceFileGenerator<BootstrapModel> {

  private static final ClassName MESH_APPLICATION =
      ClassName.get("dev.datapunk.mesh.runtime", "MeshApplication");
  private static final ClassName MESH_MODULE =
      ClassName.get("dev.datapunk.mesh.runtime", "MeshModule");
  private static final ClassName MESH_MODULE_BUILDER = MESH_MODULE.nestedClass("Builder");
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
    return Stream.concat(
            model.services().stream().map(ServiceModel::element), model.extensions().elements())
        .collect(Collectors.toList());
  }

  @Override
  protected TypeSpec.Builder type(BootstrapModel model) {
    CodeBlock serviceLinks =
        model.services().stream()
            .map(service -> CodeBlock.of("{@link $T}", service.serviceClass()))
            .collect(CodeBlock.joining(", "));
    return TypeSpec.classBuilder(model.className())
        .addJavadoc("Starts the mesh services of this module: $L.\n", serviceLinks)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(
            MethodSpec.methodBuilder("main")
                .addJavadoc(
                    """
                    Starts every mesh service of this module in one server, with its stages, health checks
                    and exception handlers; see {@link $T}. The module is created once the configuration
                    is loaded, so constructors and factories may read its {@code app.*} settings.
                    """,
                    MESH_APPLICATION)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(String[].class, "args")
                .addStatement("$T.run(args, $T::module)", MESH_APPLICATION, model.className())
                .build())
        .addMethod(
            MethodSpec.methodBuilder("module")
                .addJavadoc(
                    "Everything this module runs: {@link #bindings()} and {@link #extensions()}.\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(MESH_MODULE)
                .addStatement("return extensions().bindings(bindings()).build()")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("bindings")
                .addJavadoc(
                    """
                    Every mesh service of this module, each created with {@code new} or its
                    {@code @MeshFactory} method.
                    """)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(ParameterizedTypeName.get(LIST, BindingGenerator.MESH_BINDING))
                .addStatement("return $T.of(\n$L)", LIST, bindings(model))
                .build())
        .addMethod(
            MethodSpec.methodBuilder("extensions")
                .addJavadoc(
                    """
                    The user stages, health checks and global exception handlers of this module, without its
                    services: for a main of your own that creates the services and adds them.
                    """)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(MESH_MODULE_BUILDER)
                .addStatement("return $L", extensions(model))
                .build());
  }

  private static CodeBlock bindings(BootstrapModel model) {
    ExtensionsModel extensions = model.extensions();
    return model.services().stream()
        .map(
            service ->
                CodeBlock.of(
                    "new $T($L)",
                    service.bindingClass(),
                    extensions
                        .factoryOf(service.serviceClass())
                        .map(
                            factory ->
                                CodeBlock.of("$T.$N()", factory.owner(), factory.methodName()))
                        .orElseGet(() -> CodeBlock.of("new $T()", service.serviceClass()))))
        .collect(CodeBlock.joining(",\n"));
  }

  private static CodeBlock extensions(BootstrapModel model) {
    ExtensionsModel extensions = model.extensions();
    Map<ClassName, ServiceModel> services =
        model.services().stream()
            .collect(Collectors.toMap(ServiceModel::serviceClass, Function.identity()));
    CodeBlock.Builder code = CodeBlock.builder().add("$T.builder()", MESH_MODULE);
    if (extensions.stages().isEmpty()
        && extensions.healthChecks().isEmpty()
        && extensions.globalHandlers().isEmpty()) {
      return code.build();
    }
    for (StageModel stage : extensions.stages()) {
      code.add("\n.stage(new $T()", stage.type());
      for (ClassName service : stage.services()) {
        code.add(", $T.SERVICE_NAME", services.get(service).grpcClass());
      }
      code.add(")");
    }
    for (HealthCheckModel check : extensions.healthChecks()) {
      code.add("\n.healthCheck(new $T())", check.type());
    }
    if (!extensions.globalHandlers().isEmpty()) {
      code.add(
          "\n.exceptionHandlers($>$>$L$<$<)",
          ExceptionHandlersCode.table(extensions.globalHandlers(), null));
    }
    return code.build();
  }
}
