package dev.datapunk.mesh.sample;

import dev.datapunk.mesh.annotations.MeshFactory;

/**
 * The sample's inventory, shared by the service that serves it and the health check that watches
 * it: the generated bootstrap creates the service through {@link #inventoryService()}, since its
 * constructor needs the store. A main of your own can instead create the service with any store
 * (see docs/extensions.md).
 */
public final class Inventory {

  private static final InventoryStore STORE = InventoryStore.withDemoItems();

  private Inventory() {}

  /** The store served by {@link #inventoryService()}. */
  public static InventoryStore store() {
    return STORE;
  }

  /** The service over {@link #store()}, for the generated bootstrap. */
  @MeshFactory
  public static InventoryService inventoryService() {
    return new InventoryService(STORE);
  }
}
