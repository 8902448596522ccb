import type postgres from "postgres";

/**
 * The `postgres` client drizzle should query through: every statement runs as a named prepared
 * statement, cached per connection.
 *
 * drizzle sends its queries with `sql.unsafe(text, params, { prepare: false })` unless a query
 * is built with `.prepare(name)`, and an unnamed statement with parameters costs the driver two
 * round trips (Parse + Describe, wait, then Bind + Execute) and PostgreSQL a parse and plan every
 * time. Prepared, a statement seen before on the connection is one Bind + Execute: one round
 * trip, no parse. The texts drizzle builds are fixed per query shape (values are always
 * parameters), so the cache stays small: one entry per shape, and per length of an IN list.
 *
 * Transactions get a fresh client from `begin` (and `savepoint`), so those are wrapped too.
 */
export function alwaysPrepared(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params as postgres.ParameterOrJSON<never>[] | undefined, { ...options, prepare: true });
      }
      if (property === "begin" || property === "savepoint") {
        const original = Reflect.get(target, property, receiver) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const work = args.at(-1) as (tx: postgres.Sql) => unknown;
          return original.call(target, ...args.slice(0, -1), (tx: postgres.Sql) => work(alwaysPrepared(tx)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
