import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Callbacks carry `X-Orion-Timestamp` and `X-Orion-Signature: sha256=<hex>`, the HMAC-SHA256 of
 * `<timestamp>.<body>` with the tenant's secret. Signing the timestamp lets receivers refuse replays.
 */
export function signCallback(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): constant-time check of a signature header. */
export function verifyCallback(secret: string, timestamp: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signCallback(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
