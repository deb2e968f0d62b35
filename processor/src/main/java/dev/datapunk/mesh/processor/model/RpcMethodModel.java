package dev.datapunk.mesh.processor.model;

/**
 * One RPC method of a service and its resolved policy.
 *
 * @param javaName the service method, e.g. {@code getItem}
 * @param fullMethodName e.g. {@code datapunk.inventory.v1.InventoryService/GetItem}
 * @param getterName the {@code XxxGrpc} descriptor getter, e.g. {@code getGetItemMethod}
 * @param methodType e.g. {@code UNARY} or {@code BIDI_STREAMING}
 * @param constantName the binding constant that holds the policy, e.g. {@code GET_ITEM}
 * @param deprecated whether the descriptor getter is deprecated
 * @param policy the resolved policy
 */
public record RpcMethodModel(
    String javaName,
    String fullMethodName,
    String getterName,
    String methodType,
    String constantName,
    boolean deprecated,
    PolicyModel policy) {}
