import { createHash } from 'node:crypto';

/**
 * The API key an `Authorization` header presents: `Bearer <key>` (scheme in any case), or Basic with the
 * key as the password (the browser dashboard). Every spelling of one key gives the same key, so limits
 * counted per key cannot be dodged by rewriting the header.
 */
export function presentedKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || undefined;
  }
  return undefined;
}

/** How keys are compared, counted and logged: their SHA-256, never the key itself. */
export const keyDigest = (key: string) => createHash('sha256').update(key).digest('hex');
