package dev.datapunk.mesh.sample;

import dev.datapunk.mesh.sample.inventory.v1.Item;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The sample's inventory: items by SKU, in memory, safe for concurrent calls. */
final class InventoryStore {

  private final ConcurrentNavigableMap<String, Item> items = new ConcurrentSkipListMap<>();

  /** A store holding a few demo items, so a fresh server has something to show. */
  static InventoryStore withDemoItems() {
    InventoryStore store = new InventoryStore();
    store.put(Item.newBuilder().setSku("SKU-0001").setName("Espresso beans, 1 kg").setQuantity(40).build());
    store.put(Item.newBuilder().setSku("SKU-0002").setName("Burr grinder").setQuantity(7).build());
    store.put(Item.newBuilder().setSku("SKU-0003").setName("Milk jug, 600 ml").setQuantity(23).build());
    return store;
  }

  Optional<Item> get(String sku) {
    return Optional.ofNullable(items.get(sku));
  }

  Item put(Item item) {
    items.put(item.getSku(), item);
    return item;
  }

  /** Items whose SKU starts with {@code prefix}, in SKU order, at most {@code limit} (0: all). */
  List<Item> list(String prefix, int limit) {
    Map<String, Item> range = prefix.isEmpty() ? items : items.subMap(prefix, true, prefix + Character.MAX_VALUE, true);
    return range.values().stream().limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
  }
}
