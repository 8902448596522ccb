import { and, eq } from "drizzle-orm";
import type { Database } from "@wms/db";
import type { Transfer } from "../domain/model.js";
import { transfers } from "./schema/transfers.js";
import { toTransfer } from "./rows.js";

/** Queries of TransferStock's idempotency record (the levels it moves are stock queries). */
export function transferQueries(db: Database) {
  return {
    /** Undefined when this requester already used the key (a replay). */
    async insertTransfer(transfer: Transfer): Promise<Transfer | undefined> {
      const [inserted] = await db
        .insert(transfers)
        .values(transfer)
        .onConflictDoNothing({ target: [transfers.requestedBy, transfers.idempotencyKey] })
        .returning();
      return inserted && toTransfer(inserted);
    },

    async findTransferByKey(requestedBy: string, idempotencyKey: string): Promise<Transfer | undefined> {
      const [row] = await db
        .select()
        .from(transfers)
        .where(and(eq(transfers.requestedBy, requestedBy), eq(transfers.idempotencyKey, idempotencyKey)))
        .limit(1);
      return row && toTransfer(row);
    },
  };
}
