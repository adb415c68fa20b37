import type { z } from 'zod';

/** Zod's issues as `field.path: message` lines, so an error names every field that is wrong. */
export function issueLines(error: z.ZodError, limit = Infinity): string[] {
  return error.issues.slice(0, limit).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/**
 * `value` parsed by `schema`, or the error that `fail` makes of its issue lines (each contract has its
 * own error class: invalid job data, job result, manifest, stored file).
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  fail: (issues: string[]) => Error,
  limit?: number,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fail(issueLines(result.error, limit));
  return result.data;
}
