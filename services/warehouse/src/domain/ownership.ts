import { errors } from "@wms/errors";
import type { WarehouseRepo } from "../db/repo.js";
import type { Catalog, LookupOptions } from "./catalog.js";
import { isId } from "./common.js";
import type { Warehouse } from "./model.js";

/** Ownership checks shared by every write and owner-only read; `options` carries the call's deadline to the catalog. */
export interface Ownership {
  /** NOT_FOUND (SHOP_NOT_FOUND) or PERMISSION_DENIED unless the caller owns the shop. */
  requireShop(callerId: string, shopId: string, options?: LookupOptions): Promise<void>;
  /** The warehouse; NOT_FOUND (WAREHOUSE_NOT_FOUND) or PERMISSION_DENIED unless the caller owns its shop. */
  requireWarehouse(callerId: string, warehouseId: string, options?: LookupOptions): Promise<Warehouse>;
  /** NOT_FOUND (PRODUCT_NOT_FOUND) or PERMISSION_DENIED unless the caller owns the product's shop. */
  requireProduct(callerId: string, productId: string, options?: LookupOptions): Promise<void>;
}

export function createOwnership(repo: WarehouseRepo, catalog: Catalog): Ownership {
  async function requireShop(callerId: string, shopId: string, options: LookupOptions = {}): Promise<void> {
    const owner = isId(shopId) ? await catalog.shopOwner(shopId, options) : undefined;
    if (owner === undefined) throw errors.notFound("shop", shopId);
    if (owner !== callerId) throw errors.permissionDenied("NOT_SHOP_OWNER", "only the shop's owner may do this", { shopId });
  }

  return {
    requireShop,

    async requireWarehouse(callerId, warehouseId, options = {}) {
      const warehouse = isId(warehouseId) ? await repo.findWarehouse(warehouseId) : undefined;
      if (!warehouse) throw errors.notFound("warehouse", warehouseId);
      // The warehouse exists, so its shop does; a missing shop can only mean another owner's data.
      const owner = await catalog.shopOwner(warehouse.shopId, options);
      if (owner !== callerId) throw errors.permissionDenied("NOT_WAREHOUSE_OWNER", "only the warehouse's owner may do this", { warehouseId });
      return warehouse;
    },

    async requireProduct(callerId, productId, options = {}) {
      const shopId = isId(productId) ? await catalog.productShop(productId, options) : undefined;
      if (shopId === undefined) throw errors.notFound("product", productId);
      const owner = await catalog.shopOwner(shopId, options);
      if (owner !== callerId) throw errors.permissionDenied("NOT_PRODUCT_OWNER", "only the product's owner may do this", { productId });
    },
  };
}
