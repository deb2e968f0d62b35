package dev.datapunk.mesh.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.sample.inventory.v1.GetItemRequest;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.test.MeshTestExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GetItemPolicyTest {

  @RegisterExtension
  final MeshTestExtension mesh = MeshTestExtension.of(MeshMain::module);

  @Test
  void readsNeedTheReadScope() {
    var request = GetItemRequest.newBuilder().setSku("SKU-0001").build();
    var writer = mesh.withToken(mesh.token("bob", "inventory:write")).stub(InventoryServiceGrpc::newBlockingStub);
    var denied = assertThrows(StatusRuntimeException.class, () -> writer.getItem(request));
    assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());

    var reader = mesh.withToken(mesh.token("alice", "inventory:read")).stub(InventoryServiceGrpc::newBlockingStub);
    assertEquals("Espresso beans, 1 kg", reader.getItem(request).getName());
  }
}
