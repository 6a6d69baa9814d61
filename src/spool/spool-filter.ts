/**
 * Which stored entries a spool query covers, and the SQL that selects them.
 * @module
 */

/** Which dead letters or records a query covers; every field narrows. */
export interface SpoolFilter {
  readonly destination?: string | undefined;
  /** Epoch ms: only entries stored at or after it. */
  readonly since?: number | undefined;
  readonly reason?: string | undefined;
  readonly ids?: readonly number[] | undefined;
}

/** Builds a WHERE clause and its parameters from a filter (tables with `created_at`, `reason`, `id`). */
export function whereClause(filter: SpoolFilter): { sql: string; params: Array<string | number> } {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  if (filter.destination !== undefined) {
    parts.push('destination = ?');
    params.push(filter.destination);
  }
  if (filter.since !== undefined) {
    parts.push('created_at >= ?');
    params.push(filter.since);
  }
  if (filter.reason !== undefined) {
    parts.push('reason = ?');
    params.push(filter.reason);
  }
  if (filter.ids !== undefined) {
    parts.push(`id IN (${filter.ids.map(() => '?').join(',') || 'NULL'})`);
    params.push(...filter.ids);
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}
