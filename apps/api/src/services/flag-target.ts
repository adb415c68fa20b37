import type { Observation } from '@orion/shared';

/** Where a flag points: another class, no object at all, or nowhere known (older shards). */
export type FlagTarget = { kind: 'class'; label: string } | { kind: 'no-object' } | { kind: 'unknown' };

/**
 * What a flagged observation should have been. The label check's `verdict` decides no-object; else the
 * flag's suggested class; a flag with neither (a failed verification from a shard without verdicts, no
 * better suggestion) is unknown: it says "not this class", not "nothing".
 */
export function flagTarget(o: Observation): FlagTarget | null {
  if (!o.flag) return null;
  const verdict =
    (o.verification?.status === 'verified' ? o.verification.verdict : undefined) ?? o.flag.evidence.verdict;
  if (verdict === 'no-object') return { kind: 'no-object' };
  if (o.flag.suggestedClass) return { kind: 'class', label: o.flag.suggestedClass };
  return { kind: 'unknown' };
}

/** How the report and the export name a target. */
export function targetName(t: FlagTarget): string {
  return t.kind === 'class' ? t.label : t.kind === 'no-object' ? 'no object' : 'unknown';
}
