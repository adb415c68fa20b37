import { InvalidKeyError } from './errors.js';

const MAX_KEY_BYTES = 1024; // S3's limit
/** Top-level folder the filesystem driver keeps for its in-progress writes. */
export const RESERVED_PREFIX = '.orion-tmp/';

/**
 * Every key, on every driver, is a relative, slash-separated path with no `.`/`..` segments, no empty
 * segments and no control characters or backslashes. Checking this once for both drivers keeps keys
 * portable between them and makes path traversal on the filesystem store impossible by construction.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'empty key');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new InvalidKeyError(key, `longer than ${MAX_KEY_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) throw new InvalidKeyError(key, 'control character or backslash');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'absolute path');
  if (key.startsWith(RESERVED_PREFIX)) throw new InvalidKeyError(key, `${RESERVED_PREFIX} is reserved`);
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidKeyError(key, 'empty path segment');
    if (segment === '.' || segment === '..') throw new InvalidKeyError(key, `"${segment}" segment`);
  }
}

/** Prefixes may be empty or end with `/`; otherwise they follow the key rules. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

/** S3 orders keys by their UTF-8 bytes; JavaScript's `<` compares UTF-16 units. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
