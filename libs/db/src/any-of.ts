import { sql, type Column, type SQL } from "drizzle-orm";

/**
 * `column = ANY($1::type[])`: the values travel as ONE array parameter, so the statement's text
 * (one prepared statement per connection) is the same however many there are. drizzle's
 * `inArray` writes `IN ($1, $2, ...)`, a new statement for every list length: batches of
 * varying sizes would each prepare their own.
 */
export function anyOf(column: Column, values: string[], type: "uuid" | "text"): SQL {
  return type === "uuid" ? sql`${column} = ANY(${sql.param(values)}::uuid[])` : sql`${column} = ANY(${sql.param(values)}::text[])`;
}
