/** SQL literals for LanceDB's `where`: strings quoted with '' doubled, so values never become SQL. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlIn(column: string, values: string[]): string {
  return `${column} IN (${values.map(sqlString).join(', ')})`;
}

/** Filters pushed down into a query (AND-ed); each list is "any of". */
export interface EntityFilter {
  videoIds?: string[];
  labels?: string[];
  /** Rows carrying any of these tags. */
  tags?: string[];
  /** Entities in view during [from, to] seconds of their video. */
  timeRange?: { from?: number; to?: number };
  /** true: only entities with flagged observations; false: only those without. */
  flagged?: boolean;
  /** true: only likely false positives; false: none of them. */
  likelyFalsePositive?: boolean;
  embeddingModel?: string;
  /** Leaves these (videoId, entityId) out, e.g. the query entity itself. */
  exclude?: { videoId: string; entityId: string }[];
}

function finite(n: number, name: string): number {
  if (!Number.isFinite(n)) throw new RangeError(`${name} must be a finite number`);
  return n;
}

/** The `where` clause of a filter, or undefined when it filters nothing. */
export function whereClause(f: EntityFilter): string | undefined {
  const parts: string[] = [];
  if (f.videoIds) parts.push(f.videoIds.length ? sqlIn('videoId', f.videoIds) : 'false');
  if (f.labels) parts.push(f.labels.length ? sqlIn('label', f.labels) : 'false');
  if (f.tags?.length) {
    parts.push(`(${f.tags.map((t) => `array_has(tags, ${sqlString(t)})`).join(' OR ')})`);
  }
  if (f.timeRange?.from !== undefined) parts.push(`lastSeen >= ${finite(f.timeRange.from, 'from')}`);
  if (f.timeRange?.to !== undefined) parts.push(`firstSeen <= ${finite(f.timeRange.to, 'to')}`);
  if (f.flagged !== undefined) parts.push(f.flagged ? 'flaggedObservations > 0' : 'flaggedObservations = 0');
  if (f.likelyFalsePositive !== undefined) parts.push(`likelyFalsePositive = ${f.likelyFalsePositive}`);
  if (f.embeddingModel !== undefined) parts.push(`embeddingModel = ${sqlString(f.embeddingModel)}`);
  for (const x of f.exclude ?? []) {
    parts.push(`NOT (videoId = ${sqlString(x.videoId)} AND entityId = ${sqlString(x.entityId)})`);
  }
  return parts.length ? parts.join(' AND ') : undefined;
}
