/**
 * Milliseconds to wait as a `Retry-After` header says (delay-seconds or an HTTP date), or undefined
 * when there is none or it cannot be read.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
