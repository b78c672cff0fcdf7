/**
 * Helpers for the batching loaders each domain declares in its
 * `*.loaders.ts`. Loaders are created per HTTP request, per mutation and per
 * subscription event (src/server assembles them), so nothing is cached across
 * requests. Queries that join users prime the users loader, so that names cost
 * no extra statement.
 */

/** `rows` grouped by `key`, in the order of `ids` (an empty list for an id without rows). */
export function groupBy<T>(rows: T[], key: (row: T) => string, ids: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(key(row))?.push(row);
  return ids.map((id) => groups.get(id)!);
}
