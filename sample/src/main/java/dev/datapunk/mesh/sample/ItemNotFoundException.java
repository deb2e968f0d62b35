package dev.datapunk.mesh.sample;

/** No item has the SKU asked for; {@link InventoryService} maps it to {@code NOT_FOUND}. */
public final class ItemNotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String sku;

  public ItemNotFoundException(String sku) {
    super("no item " + sku);
    this.sku = sku;
  }

  /** The SKU asked for. */
  public String sku() {
    return sku;
  }
}
