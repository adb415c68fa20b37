import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidKeyError, ObjectNotFoundError, type ObjectStore, type ReadLocation } from '@orion/shared';

const MiB = 1024 * 1024;

/** A deterministic pseudo-random stream of `size` bytes, produced chunk by chunk (never whole in memory). */
function patternStream(size: number, seed = 1): { stream: Readable; sha256: Promise<string> } {
  const hash = createHash('sha256');
  let produced = 0;
  let state = seed;
  let resolveHash!: (h: string) => void;
  const sha256 = new Promise<string>((r) => (resolveHash = r));
  const stream = new Readable({
    read() {
      if (produced >= size) {
        resolveHash(hash.digest('hex'));
        this.push(null);
        return;
      }
      const n = Math.min(256 * 1024, size - produced);
      const chunk = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) {
        state = (state * 1103515245 + 12345) >>> 0;
        chunk[i] = state >>> 24;
      }
      produced += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256 };
}

async function sha256OfStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

async function readLocationBytes(location: ReadLocation): Promise<Buffer> {
  if (location.kind === 'path') return readFile(location.path);
  const res = await fetch(location.url);
  if (!res.ok) throw new Error(`GET presigned URL answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The behaviour every ObjectStore driver must have; run once per driver against a real backend. */
export function objectStoreContract(name: string, makeStore: () => Promise<ObjectStore>) {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    // Each run works under its own prefix so drivers sharing a bucket do not see each other.
    const base = `contract-${randomUUID()}/`;

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store.deletePrefix(base);
      await store.close();
    });

    it('puts and gets buffers and strings, and overwrites in place', async () => {
      await store.put(`${base}a.txt`, 'hello');
      expect((await store.get(`${base}a.txt`)).toString()).toBe('hello');
      await store.put(`${base}a.txt`, Buffer.from('hello again'), { contentType: 'text/plain' });
      expect((await store.get(`${base}a.txt`)).toString()).toBe('hello again');
      expect(await store.head(`${base}a.txt`)).toMatchObject({ key: `${base}a.txt`, size: 11 });
    });

    it('streams a 20 MiB upload in and out unchanged', async () => {
      const size = 20 * MiB + 123;
      const { stream, sha256 } = patternStream(size);
      await store.put(`${base}big.bin`, stream, { contentType: 'application/octet-stream' });
      expect((await store.head(`${base}big.bin`))?.size).toBe(size);
      const got = await sha256OfStream(await store.getStream(`${base}big.bin`));
      expect(got).toEqual({ sha256: await sha256, size });
    });

    it('reads byte ranges', async () => {
      const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
      await store.put(`${base}range.bin`, data);
      const mid = await sha256OfStream(await store.getStream(`${base}range.bin`, { start: 1000, end: 1999 }));
      expect(mid).toEqual(await sha256OfStream(Readable.from([data.subarray(1000, 2000)])));
      const chunks: Buffer[] = [];
      for await (const c of await store.getStream(`${base}range.bin`, { start: 4990 }))
        chunks.push(c as Buffer);
      expect(Buffer.concat(chunks)).toEqual(data.subarray(4990));
    });

    it('reports missing objects clearly', async () => {
      await expect(store.get(`${base}missing`)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getStream(`${base}missing`)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.readLocation(`${base}missing`)).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await store.head(`${base}missing`)).toBeUndefined();
      await expect(store.delete(`${base}missing`)).resolves.toBeUndefined();
    });

    it('lists 2,500 keys in byte order over pages, by prefix only', async () => {
      const prefix = `${base}many/`;
      const keys = Array.from({ length: 2500 }, (_, i) => `${prefix}${i % 7}/item-${i}`);
      await mapLimit(keys, 16, (key) => store.put(key, key));
      // Siblings that share the string prefix but are not under the folder must not be listed.
      await store.put(`${base}many-not/x`, 'x');

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list(prefix, { cursor, limit: 1000 });
        expect(page.objects.length).toBeLessThanOrEqual(1000);
        seen.push(...page.objects.map((o) => o.key));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(2500);
      expect(new Set(seen).size).toBe(2500);
      expect(seen).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));

      let all = 0;
      for await (const info of store.listAll(`${prefix}3/`)) {
        expect(info.key.startsWith(`${prefix}3/`)).toBe(true);
        all++;
      }
      expect(all).toBe(keys.filter((k) => k.startsWith(`${prefix}3/`)).length);
    });

    it('treats a prefix as a string prefix, not a folder', async () => {
      const keys = [`${base}sib/a/1`, `${base}sib/b`, `${base}sib-not/x`, `${base}sib.txt`, `${base}si`];
      for (const key of keys) await store.put(key, key);
      const listed = (await store.list(`${base}sib`)).objects.map((o) => o.key);
      // Order across folder boundaries is not asserted: s3rver orders those unlike S3.
      expect(listed.sort()).toEqual(keys.slice(0, 4).sort());
    });

    it('deletes by prefix and nothing else', async () => {
      await store.put(`${base}del/1/a`, 'a');
      await store.put(`${base}del/1/b`, 'b');
      await store.put(`${base}del/2/c`, 'c');
      await store.put(`${base}del-keep`, 'keep');
      expect(await store.deletePrefix(`${base}del/1/`)).toBe(2);
      expect(await store.head(`${base}del/1/a`)).toBeUndefined();
      expect((await store.get(`${base}del/2/c`)).toString()).toBe('c');
      expect(await store.deletePrefix(`${base}del/`)).toBe(1);
      expect((await store.get(`${base}del-keep`)).toString()).toBe('keep');
      expect((await store.list(`${base}del/`)).objects).toEqual([]);
      await store.delete(`${base}del-keep`);
      expect(await store.head(`${base}del-keep`)).toBeUndefined();
    });

    it('gives ffmpeg a readable location (local path or presigned URL)', async () => {
      await store.put(`${base}media/clip.bin`, Buffer.from('not really a video'));
      const location = await store.readLocation(`${base}media/clip.bin`);
      expect(location.kind).toBe(store.driver === 'fs' ? 'path' : 'url');
      expect((await readLocationBytes(location)).toString()).toBe('not really a video');
    });

    it.each([
      '../../etc/passwd',
      '/etc/passwd',
      'a/../../b',
      'a//b',
      './a',
      'a\\..\\b',
      'a\u0000b',
      '',
      '.orion-tmp/x',
    ])('refuses the key %j', async (key) => {
      await expect(store.put(key, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
    });
  });
}
