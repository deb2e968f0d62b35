package dev.datapunk.mesh.sample;

import dev.datapunk.mesh.annotations.MeshHealthCheck;
import dev.datapunk.mesh.runtime.health.HealthCheck;

/** NOT_SERVING until the inventory the service serves has loaded its catalogue. */
@MeshHealthCheck
public final class InventoryStoreHealth implements HealthCheck {

  @Override
  public String name() {
    return "inventory-store";
  }

  @Override
  public boolean isHealthy() {
    return Inventory.store().isLoaded();
  }
}
