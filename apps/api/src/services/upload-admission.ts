import { HttpError } from '../errors.js';

/** Seconds a refused upload is told to wait: a 1 s video's upload and probe take ~0.1 s each. */
export const UPLOAD_RETRY_AFTER_SECONDS = 5;

/** A refusal: the error to answer and how long the client should wait. */
export class UploadRefused extends HttpError {
  readonly retryAfterSeconds = UPLOAD_RETRY_AFTER_SECONDS;
}

/**
 * Counts uploads in flight, per API key and in total, so that a burst cannot hold every socket, file
 * handle and probe slot of the process. Counted per API process: N replicas take N times the total.
 */
export class UploadAdmission {
  private total = 0;
  private readonly perKey = new Map<string, number>();

  constructor(private readonly limits: { total: number; perKey: number }) {}

  /**
   * Takes a slot for `key` (a digest, never the key itself) and returns its release (idempotent), or
   * throws UploadRefused: 429 when this key has `perKey` uploads running (the client should slow down),
   * 503 when the process has `total` (the server is full, whoever asks).
   */
  enter(key: string): () => void {
    const mine = this.perKey.get(key) ?? 0;
    if (mine >= this.limits.perKey)
      throw new UploadRefused(
        429,
        'TOO_MANY_UPLOADS',
        `This API key already has ${mine} uploads in progress (MAX_CONCURRENT_UPLOADS_PER_KEY=${this.limits.perKey}); nothing of this request was stored, retry after ${UPLOAD_RETRY_AFTER_SECONDS} s`,
      );
    if (this.total >= this.limits.total)
      throw new UploadRefused(
        503,
        'UPLOADS_FULL',
        `The server is receiving ${this.total} uploads already (MAX_CONCURRENT_UPLOADS=${this.limits.total}); nothing of this request was stored, retry after ${UPLOAD_RETRY_AFTER_SECONDS} s`,
      );
    this.total++;
    this.perKey.set(key, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perKey.get(key) ?? 1) - 1;
      if (left > 0) this.perKey.set(key, left);
      else this.perKey.delete(key);
    };
  }

  inFlight(): { total: number; keys: number } {
    return { total: this.total, keys: this.perKey.size };
  }
}
