import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { SubmitOptions, SubmitResponse } from '@orion/shared/api';
import { retryAfterMs } from './retry-after.js';

/** Answers that mean "not now": the request was not carried out and may be sent again later. */
const BUSY_STATUSES = new Set([429, 503]);
/** Tries of one GET while the API answers 429/503; waits follow Retry-After (at most MAX_WAIT_MS each). */
const MAX_TRIES = 8;
const MAX_WAIT_MS = 60_000;

/** The API answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API could not be reached at all (refused, DNS, timeout). */
export class ApiUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const reason = (cause as { cause?: { code?: string; message?: string } })?.cause;
    super(
      `cannot reach the Orion API at ${url} (${reason?.code ?? reason?.message ?? (cause as Error).message})`,
    );
    this.name = 'ApiUnreachableError';
  }
}

/** Thin HTTP client of the Orion REST API (ORION_API_URL, ORION_API_KEY). */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  /**
   * One request; a GET answered 429 or 503 is sent again after the `Retry-After` the answer gives
   * (or 1 s, 2 s, 4 s … without one). Other methods are not repeated: an upload's body is a stream.
   */
  private async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.key) headers.set('authorization', `Bearer ${this.key}`);
    const retries = (init.method ?? 'GET') === 'GET';
    let res: Response;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(new URL(path, this.baseUrl), { ...init, headers });
      } catch (err) {
        throw new ApiUnreachableError(this.baseUrl, err);
      }
      if (!retries || !BUSY_STATUSES.has(res.status) || attempt === MAX_TRIES) break;
      const waitMs = Math.min(
        retryAfterMs(res.headers.get('retry-after')) ?? 1000 * 2 ** (attempt - 1),
        MAX_WAIT_MS,
      );
      await res.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      throw new ApiError(res.status, `the API answered ${res.status}: ${body.message ?? res.statusText}`);
    }
    return res;
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.fetch(path, init)).json()) as T;
  }

  /** A GET whose body the caller streams (an archive, an image); errors as for `json`. */
  download(path: string): Promise<Response> {
    return this.fetch(path);
  }

  postJson<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** A small multipart/form-data POST (an image to search by): the form is sent as one body. */
  postForm<T>(path: string, form: FormData): Promise<T> {
    return this.json<T>(path, { method: 'POST', body: form });
  }

  /**
   * Uploads one file as multipart/form-data, streaming it from disk; `onProgress` gets the bytes sent
   * so far (the body is produced chunk by chunk, so this is real upload progress, not a guess).
   */
  async uploadVideo(
    path: string,
    options: SubmitOptions,
    onProgress: (sent: number, total: number) => void,
  ): Promise<SubmitResponse> {
    const total = (await stat(path)).size;
    const boundary = `----orion-cli-${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    let head = '';
    if (options.tags?.length) head += field('tags', options.tags.join(','));
    if (options.targetFps !== undefined) head += field('targetFps', String(options.targetFps));
    if (options.shardSeconds !== undefined) head += field('shardSeconds', String(options.shardSeconds));
    if (options.callbackUrl) head += field('callbackUrl', options.callbackUrl);
    const name = basename(path).replace(/["\r\n]/g, '_');
    head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;

    async function* body() {
      yield Buffer.from(head);
      let sent = 0;
      for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
        sent += (chunk as Buffer).length;
        onProgress(sent, total);
        yield chunk as Buffer;
      }
      yield Buffer.from(tail);
    }
    const res = await this.fetch('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Readable.toWeb(Readable.from(body())) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    return (await res.json()) as SubmitResponse;
  }
}
