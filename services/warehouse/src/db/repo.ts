import type { Database } from "@wms/db";
import { warehouseQueries } from "./warehouse-queries.js";
import { stockQueries } from "./stock-queries.js";
import { reservationQueries } from "./reservation-queries.js";
import { adjustmentQueries } from "./adjustment-queries.js";
import { transferQueries } from "./transfer-queries.js";

type Queries = ReturnType<typeof warehouseQueries> &
  ReturnType<typeof stockQueries> &
  ReturnType<typeof reservationQueries> &
  ReturnType<typeof adjustmentQueries> &
  ReturnType<typeof transferQueries>;

/** Every query of the warehouse service, on the pool or inside one transaction. */
export interface WarehouseRepo extends Queries {
  /** Runs `work` in one transaction (READ COMMITTED) with a repo bound to it; rolls back on throw. */
  transaction<T>(work: (tx: WarehouseRepo) => Promise<T>): Promise<T>;
}

export function createWarehouseRepo(db: Database): WarehouseRepo {
  return {
    ...warehouseQueries(db),
    ...stockQueries(db),
    ...reservationQueries(db),
    ...adjustmentQueries(db),
    ...transferQueries(db),
    transaction: (work) => db.transaction((tx) => work(createWarehouseRepo(tx))),
  };
}
