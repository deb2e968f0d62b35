package dev.datapunk.mesh.processor.writing;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeSpec;
import dev.datapunk.mesh.processor.model.Access;
import dev.datapunk.mesh.processor.model.NumberText;
import dev.datapunk.mesh.processor.model.PolicyModel;
import dev.datapunk.mesh.processor.model.RpcMethodModel;
import dev.datapunk.mesh.processor.model.ServiceModel;
import dev.datapunk.mesh.processor.model.ServiceModelFactory;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Service>_MeshBinding}: one {@code MethodPolicy} constant per RPC method, the
 * list of them, the service's own {@code bindService()}, and the table of its exception handlers
 * when it has any.
 */
public final class BindingGenerator extends SourceFileGenerator<ServiceModel> {

  static final ClassName MESH_BINDING = ClassName.get("dev.datapunk.mesh.runtime", "MeshBinding");
  static final ClassName METHOD_POLICY =
      ClassName.get("dev.datapunk.mesh.runtime.policy", "MethodPolicy");
  private static final ClassName SERVER_SERVICE_DEFINITION =
      ClassName.get("io.grpc", "ServerServiceDefinition");
  private static final ClassName LIST = ClassName.get(List.class);
  private static final String SERVICE = "service";

  public BindingGenerator(Filer filer) {
    super(filer);
  }

  @Override
  public ClassName className(ServiceModel model) {
    return model.bindingClass();
  }

  @Override
  protected List<? extends Element> originatingElements(ServiceModel model) {
    return List.of(model.element());
  }

  @Override
  protected TypeSpec.Builder type(ServiceModel model) {
    ParameterizedTypeName policies = ParameterizedTypeName.get(LIST, METHOD_POLICY);
    TypeSpec.Builder type =
        TypeSpec.classBuilder(model.bindingClass())
            .addJavadoc(
                """
                Mesh binding of {@link $T}: the resolved policy of every RPC method of
                {@code $L}.
                """,
                model.serviceClass(),
                model.serviceName())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(MESH_BINDING);
    if (model.usesDeprecated()) {
      type.addAnnotation(
          AnnotationSpec.builder(SuppressWarnings.class)
              .addMember("value", "$S", "deprecation")
              .build());
    }
    for (RpcMethodModel method : model.methods()) {
      type.addField(
          FieldSpec.builder(METHOD_POLICY, method.constantName(), Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("{@code $L}: $L.\n", method.fullMethodName(), method.policy().describe())
              .initializer(policy(model, method))
              .build());
    }
    String constants =
        model.methods().stream()
            .map(RpcMethodModel::constantName)
            .collect(Collectors.joining(",$W"));
    type.addField(
        FieldSpec.builder(
                policies,
                ServiceModelFactory.POLICIES,
                Modifier.PRIVATE,
                Modifier.STATIC,
                Modifier.FINAL)
            .initializer("$T.of(" + constants + ")", LIST)
            .build());
    type.addField(model.serviceClass(), SERVICE, Modifier.PRIVATE, Modifier.FINAL);
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addParameter(model.serviceClass(), SERVICE)
            .addStatement(
                "this.$N = $T.requireNonNull($N, $S)", SERVICE, Objects.class, SERVICE, SERVICE)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("bindService")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(SERVER_SERVICE_DEFINITION)
            .addStatement("return $N.bindService()", SERVICE)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("policies")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(policies)
            .addStatement("return $N", ServiceModelFactory.POLICIES)
            .build());
    if (!model.exceptionHandlers().isEmpty()) {
      type.addMethod(
          MethodSpec.methodBuilder("exceptionHandlers")
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .returns(ExceptionHandlersCode.EXCEPTION_HANDLERS)
              .addStatement(
                  "return $L", ExceptionHandlersCode.table(model.exceptionHandlers(), SERVICE))
              .build());
    }
    return type;
  }

  private static CodeBlock policy(ServiceModel model, RpcMethodModel method) {
    CodeBlock.Builder code =
        CodeBlock.builder()
            .add("$T.builder($T.$N())", METHOD_POLICY, model.grpcClass(), method.getterName());
    PolicyModel policy = method.policy();
    boolean chained = policy.access() != Access.OPEN || policy.rateLimit().isPresent();
    if (!chained) {
      return code.add(".build()").build();
    }
    code.add("$>$>"); // continuation lines of a field initializer are not indented by JavaPoet
    switch (policy.access()) {
      case PUBLIC -> code.add("\n.publicAccess()");
      case SECURED ->
          code.add(
              "\n.requireScopes($L)",
              policy.scopes().stream()
                  .map(scope -> CodeBlock.of("$S", scope))
                  .collect(CodeBlock.joining(", ")));
      case OPEN -> {}
    }
    // rps as an int literal when integral (50), else a double literal (0.5).
    policy
        .rateLimit()
        .ifPresent(
            limit -> code.add("\n.rateLimit($L, $L)", NumberText.of(limit.rps()), limit.burst()));
    return code.add("\n.build()$<$<").build();
  }
}
