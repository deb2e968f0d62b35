package dev.datapunk.mesh.processor.elements;

/**
 * One RPC method as the protoc-generated {@code XxxGrpc} class declares it: a static getter of its
 * {@code MethodDescriptor} annotated with {@code io.grpc.stub.annotations.RpcMethod}.
 *
 * @param getterName the descriptor getter, e.g. {@code getGetItemMethod}
 * @param javaName the service method the {@code ImplBase} declares, e.g. {@code getItem}
 * @param fullMethodName e.g. {@code datapunk.inventory.v1.InventoryService/GetItem}
 * @param methodType the {@code io.grpc.MethodDescriptor.MethodType} constant name, e.g. {@code
 *     UNARY}
 * @param deprecated whether the getter is deprecated ({@code option deprecated = true} in the
 *     proto)
 */
public record RpcMethodStub(
    String getterName,
    String javaName,
    String fullMethodName,
    String methodType,
    boolean deprecated) {

  private static final String PREFIX = "get";
  private static final String SUFFIX = "Method";

  /**
   * The service method name protoc-gen-grpc-java derives for a descriptor getter: the getter name
   * minus {@code get} and {@code Method}, first letter lower-cased; empty when {@code getterName}
   * does not have that shape.
   */
  public static java.util.Optional<String> javaNameOf(String getterName) {
    if (!getterName.startsWith(PREFIX)
        || !getterName.endsWith(SUFFIX)
        || getterName.length() <= PREFIX.length() + SUFFIX.length()) {
      return java.util.Optional.empty();
    }
    String core = getterName.substring(PREFIX.length(), getterName.length() - SUFFIX.length());
    return java.util.Optional.of(Character.toLowerCase(core.charAt(0)) + core.substring(1));
  }
}
