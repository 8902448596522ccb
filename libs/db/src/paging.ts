export interface Page<T> {
  rows: T[];
  hasMore: boolean;
}

/** Reads one row more than the page holds: its presence says another page exists. */
export async function readPage<T>(limit: number, read: (limit: number) => Promise<T[]>): Promise<Page<T>> {
  const rows = await read(limit + 1);
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}
