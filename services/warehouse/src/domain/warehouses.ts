import { errors, Validator } from "@wms/errors";
import { newId, readPage, type Page } from "@wms/db";
import type { WarehouseRepo } from "../db/repo.js";
import type { LookupOptions } from "./catalog.js";
import type { Warehouse, WarehouseStatus } from "./model.js";
import type { Ownership } from "./ownership.js";

export const WAREHOUSE_NAME_MAX = 120;
export const WAREHOUSE_LOCATION_MAX = 200;

/**
 * `deadline` (in inputs, or `options` for the single-id reads) is the call's deadline: the
 * ownership lookups at the shop and product services give up then.
 */
export interface WarehousesDomain {
  createWarehouse(callerId: string, input: { shopId: string; name: string; location: string; deadline?: Date }): Promise<Warehouse>;
  getWarehouse(callerId: string, warehouseId: string, options?: LookupOptions): Promise<Warehouse>;
  listWarehouses(
    callerId: string,
    filter: { shopId: string; afterId?: string; limit: number; deadline?: Date },
  ): Promise<Page<Warehouse>>;
  /** Empty fields are left as they are. */
  updateWarehouse(callerId: string, input: { warehouseId: string; name: string; location: string; deadline?: Date }): Promise<Warehouse>;
  /**
   * Deactivating keeps stock and reservations (they can still be committed or released); the
   * warehouse stops counting for availability and takes no new reservations, receipts or
   * transfers in (transfers out stay allowed, to drain it). The change is one UPDATE of the
   * warehouse row, holding no other lock: it waits for receipts and transfers that share-lock
   * the row, and those that come later wait for it and see the new status.
   */
  setWarehouseStatus(
    callerId: string,
    input: { warehouseId: string; status: WarehouseStatus | undefined; deadline?: Date },
  ): Promise<Warehouse>;
}

export function createWarehousesDomain(deps: { repo: WarehouseRepo; ownership: Ownership; now: () => Date }): WarehousesDomain {
  const { repo, ownership } = deps;
  return {
    async createWarehouse(callerId, { shopId, name, location, deadline }) {
      const trimmedName = name.trim();
      const trimmedLocation = location.trim();
      new Validator()
        .required(trimmedName, "name")
        .text(trimmedName, WAREHOUSE_NAME_MAX, "name")
        .text(trimmedLocation, WAREHOUSE_LOCATION_MAX, "location")
        .throwIfInvalid();
      await ownership.requireShop(callerId, shopId, { deadline });
      return repo.insertWarehouse({
        warehouseId: newId(),
        shopId,
        name: trimmedName,
        location: trimmedLocation,
        status: "ACTIVE",
        createTime: deps.now(),
      });
    },

    async getWarehouse(callerId, warehouseId, options = {}) {
      return ownership.requireWarehouse(callerId, warehouseId, options);
    },

    async listWarehouses(callerId, { shopId, afterId, limit, deadline }) {
      await ownership.requireShop(callerId, shopId, { deadline });
      // One extra row tells whether another page exists.
      return readPage(limit, (n) => repo.listWarehouses({ shopId, afterId, limit: n }));
    },

    async updateWarehouse(callerId, { warehouseId, name, location, deadline }) {
      const trimmedName = name.trim();
      const trimmedLocation = location.trim();
      new Validator()
        .text(trimmedName, WAREHOUSE_NAME_MAX, "name")
        .text(trimmedLocation, WAREHOUSE_LOCATION_MAX, "location")
        .throwIfInvalid();
      const current = await ownership.requireWarehouse(callerId, warehouseId, { deadline });
      const changes: { name?: string; location?: string } = {};
      if (trimmedName !== "") changes.name = trimmedName;
      if (trimmedLocation !== "") changes.location = trimmedLocation;
      if (Object.keys(changes).length === 0) return current;
      const updated = await repo.updateWarehouse(current.warehouseId, changes);
      if (!updated) throw errors.notFound("warehouse", warehouseId);
      return updated;
    },

    async setWarehouseStatus(callerId, { warehouseId, status, deadline }) {
      new Validator().check(status !== undefined, "status", "INVALID_VALUE", "must be WAREHOUSE_STATUS_ACTIVE or WAREHOUSE_STATUS_INACTIVE").throwIfInvalid();
      const current = await ownership.requireWarehouse(callerId, warehouseId, { deadline });
      if (current.status === status) return current;
      const updated = await repo.updateWarehouse(current.warehouseId, { status });
      if (!updated) throw errors.notFound("warehouse", warehouseId);
      return updated;
    },
  };
}
