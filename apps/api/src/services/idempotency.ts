import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { conflict } from '../errors.js';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

const PENDING = 'pending';
const PENDING_TTL_SECONDS = 3600;
const RESPONSE_TTL_SECONDS = 24 * 3600;

/**
 * `Idempotency-Key` support: the first request with a key runs and its response is kept for 24 h; a
 * retry with the same key gets that response back without doing anything again. A retry that arrives
 * while the first is still running gets 409 rather than a second run.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(tenantId: string, idempotencyKey: string) {
    const digest = createHash('sha256').update(idempotencyKey).digest('hex');
    return `${this.prefix}:idempotency:${tenantId}:${digest}`;
  }

  /** The stored response of an earlier request, or undefined after claiming the key for this one. */
  async begin(tenantId: string, idempotencyKey: string): Promise<StoredResponse | undefined> {
    const key = this.key(tenantId, idempotencyKey);
    const claimed = await this.redis.set(key, PENDING, 'EX', PENDING_TTL_SECONDS, 'NX');
    if (claimed === 'OK') return undefined;
    const existing = await this.redis.get(key);
    if (existing === null) return this.begin(tenantId, idempotencyKey); // expired in between
    if (existing === PENDING) throw conflict('A request with this Idempotency-Key is still in progress');
    return JSON.parse(existing) as StoredResponse;
  }

  async complete(tenantId: string, idempotencyKey: string, response: StoredResponse): Promise<void> {
    await this.redis.set(
      this.key(tenantId, idempotencyKey),
      JSON.stringify(response),
      'EX',
      RESPONSE_TTL_SECONDS,
    );
  }

  /** The request failed without effect: let a retry run it again. */
  async abandon(tenantId: string, idempotencyKey: string): Promise<void> {
    await this.redis.del(this.key(tenantId, idempotencyKey));
  }
}
