import { newId } from "@wms/db";
import { demoProducts, demoWarehouses } from "@wms/demo";
import type { WarehouseRepo } from "./db/repo.js";

export const DEMO_RECEIPT_REFERENCE = "demo-seed";

/**
 * The demo warehouses and stock, when the service has no warehouses yet. Every level is
 * received through a RECEIPT ledger row, so the demo data satisfies the ledger invariant too.
 */
export async function seedDemoData(repo: WarehouseRepo, now: Date = new Date()): Promise<boolean> {
  if ((await repo.countWarehouses()) > 0) return false;
  await repo.transaction(async (tx) => {
    for (const w of demoWarehouses) {
      await tx.insertWarehouse({
        warehouseId: w.warehouseId,
        shopId: w.shopId,
        name: w.name,
        location: w.location,
        status: w.active ? "ACTIVE" : "INACTIVE",
        createTime: now,
      });
    }
    for (const product of demoProducts) {
      for (const [warehouseId, quantity] of Object.entries(product.stock)) {
        if (quantity <= 0) continue;
        await tx.addOnHand(warehouseId, product.productId, quantity);
        await tx.insertMovements([
          { movementId: newId(), warehouseId, productId: product.productId, kind: "RECEIPT", quantity, referenceId: DEMO_RECEIPT_REFERENCE, createTime: now },
        ]);
      }
    }
  });
  return true;
}
