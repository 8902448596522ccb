import type { Database } from "@wms/db";
import type { Transfer } from "../domain/model.js";
import { transfers } from "./schema/transfers.js";
import { keyedRecords } from "./keyed-records.js";
import { toTransfer } from "./rows.js";

/** Queries of TransferStock's idempotency record, keyed per requester (the levels it moves are stock queries). */
export function transferQueries(db: Database) {
  const records = keyedRecords(db, transfers, [transfers.requestedBy, transfers.idempotencyKey], toTransfer);
  return {
    /** Undefined when this requester already used the key (a replay). */
    insertTransfer: (transfer: Transfer): Promise<Transfer | undefined> => records.claim(transfer),
    findTransferByKey: (requestedBy: string, idempotencyKey: string): Promise<Transfer | undefined> => records.find(requestedBy, idempotencyKey),
  };
}
