package dev.datapunk.mesh.sample;

import dev.datapunk.mesh.sample.inventory.v1.Item;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The sample's inventory: items by SKU, in memory, safe for concurrent calls. */
public final class InventoryStore {

  private final ConcurrentNavigableMap<String, Item> items = new ConcurrentSkipListMap<>();
  private volatile boolean loaded;

  /** A store holding a few demo items, so a fresh server has something to show. */
  public static InventoryStore withDemoItems() {
    return of(
        List.of(
            Item.newBuilder()
                .setSku("SKU-0001")
                .setName("Espresso beans, 1 kg")
                .setQuantity(40)
                .build(),
            Item.newBuilder().setSku("SKU-0002").setName("Burr grinder").setQuantity(7).build(),
            Item.newBuilder()
                .setSku("SKU-0003")
                .setName("Milk jug, 600 ml")
                .setQuantity(23)
                .build()));
  }

  /** A store loaded with {@code catalogue}. */
  public static InventoryStore of(List<Item> catalogue) {
    InventoryStore store = new InventoryStore();
    catalogue.forEach(store::put);
    store.loaded = true;
    return store;
  }

  /** Whether the catalogue has been loaded: until then the store answers nothing reliably. */
  public boolean isLoaded() {
    return loaded;
  }

  /**
   * The item with {@code sku}.
   *
   * @throws ItemNotFoundException when there is none
   */
  public Item get(String sku) {
    Item item = items.get(sku);
    if (item == null) {
      throw new ItemNotFoundException(sku);
    }
    return item;
  }

  /** Creates or replaces the item with {@code item}'s SKU. */
  public Item put(Item item) {
    items.put(item.getSku(), item);
    return item;
  }

  /** Items whose SKU starts with {@code prefix}, in SKU order, at most {@code limit} (0: all). */
  public List<Item> list(String prefix, int limit) {
    Map<String, Item> range =
        prefix.isEmpty() ? items : items.subMap(prefix, true, prefix + Character.MAX_VALUE, true);
    return range.values().stream().limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
  }
}
