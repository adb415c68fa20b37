import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const WINDOW_SECONDS = 60;

/**
 * Failed authentications (no key, or an unknown one) counted per client address in Redis, in windows of
 * a minute shared by every API replica. Past the limit an address gets 429 whatever key it presents, so
 * guessing keys costs a minute per few tries instead of nothing.
 */
export class AuthFailureThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perMinute: number,
  ) {}

  private key(address: string) {
    return `${this.prefix}:auth-failures:${createHash('sha256').update(address).digest('hex')}`;
  }

  /** Seconds until `address` may try again; 0 while it is under the limit. */
  async retryAfter(address: string): Promise<number> {
    const key = this.key(address);
    const failures = Number(await this.redis.get(key));
    if (failures < this.perMinute) return 0;
    return Math.max(1, await this.redis.ttl(key));
  }

  async record(address: string): Promise<void> {
    const key = this.key(address);
    // The first failure opens the window (NX: never extended, so an address is blocked a minute at most);
    // one transaction, so no counter is ever left without its expiry.
    await this.redis.multi().incr(key).expire(key, WINDOW_SECONDS, 'NX').exec();
  }
}
