import type { Redis } from 'ioredis';
import type { VideoRecord } from './video-record.js';
import type { VideoState } from '../vocabulary.js';

export interface VideoListOptions {
  limit: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
  state?: VideoState;
}

/**
 * Video records in Redis: one JSON value per video and, per tenant, a sorted set of its video ids by
 * creation time (newest first when listing). Redis is already the one shared store every process
 * reaches, and it persists with AOF in deployments.
 */
export class VideoRepository {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string) {
    return `${this.prefix}:video:${id}`;
  }
  private tenantKey(tenantId: string) {
    return `${this.prefix}:tenant:${tenantId}:videos`;
  }

  async create(record: VideoRecord): Promise<void> {
    await this.redis
      .multi()
      .set(this.key(record.id), JSON.stringify(record))
      .zadd(this.tenantKey(record.tenantId), Date.parse(record.createdAt), record.id)
      .exec();
  }

  async get(id: string): Promise<VideoRecord | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as VideoRecord) : undefined;
  }

  /** The record if it exists and belongs to the tenant: other tenants' ids look absent. */
  async getForTenant(id: string, tenantId: string): Promise<VideoRecord | undefined> {
    const record = await this.get(id);
    return record?.tenantId === tenantId ? record : undefined;
  }

  /** Applies `change` to the stored record; returns the new record, or undefined if it is gone. */
  async update(id: string, change: (record: VideoRecord) => VideoRecord): Promise<VideoRecord | undefined> {
    const record = await this.get(id);
    if (!record) return undefined;
    const next = { ...change(record), updatedAt: new Date().toISOString() };
    await this.redis.set(this.key(id), JSON.stringify(next));
    return next;
  }

  async delete(record: Pick<VideoRecord, 'id' | 'tenantId'>): Promise<void> {
    await this.redis.multi().del(this.key(record.id)).zrem(this.tenantKey(record.tenantId), record.id).exec();
  }

  /**
   * A page of the tenant's videos, newest first. The cursor is the last id returned; ids are looked up
   * by rank so that paging stays stable while new videos arrive at the front.
   */
  async listForTenant(
    tenantId: string,
    { limit, cursor, state }: VideoListOptions,
    stateOf: (record: VideoRecord) => Promise<VideoState> = async (r) => r.state,
  ): Promise<{ records: VideoRecord[]; nextCursor?: string }> {
    const zkey = this.tenantKey(tenantId);
    let start = 0;
    if (cursor) {
      const rank = await this.redis.zrevrank(zkey, cursor);
      if (rank === null) return { records: [] };
      start = rank + 1;
    }
    const records: VideoRecord[] = [];
    const batch = Math.max(limit, 50);
    for (;;) {
      const ids = await this.redis.zrevrange(zkey, start, start + batch - 1);
      if (ids.length === 0) return { records };
      for (const id of ids) {
        start++;
        const record = await this.get(id);
        if (!record) continue;
        if (state && (await stateOf(record)) !== state) continue;
        records.push(record);
        if (records.length === limit) {
          const more = (await this.redis.zcard(zkey)) > start;
          return { records, nextCursor: more ? id : undefined };
        }
      }
    }
  }
}
