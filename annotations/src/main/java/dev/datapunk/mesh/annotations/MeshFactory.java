package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Creates a {@link MeshService} for the generated bootstrap, which then calls this method instead
 * of the service's no-argument constructor: the way to run a service whose constructor takes
 * dependencies from the generated {@code main}.
 *
 * <p>The method is {@code public static}, takes no parameters, declares no type parameters, throws
 * no checked exception, and returns a {@code @MeshService} class of the same compilation (the
 * service it creates); its class is public, and so is every class enclosing it. A service has at
 * most one factory.
 *
 * <pre>{@code
 * @MeshFactory
 * public static InventoryService inventoryService() {
 *   return new InventoryService(InventoryStore.open(Path.of("inventory.db")));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface MeshFactory {}
