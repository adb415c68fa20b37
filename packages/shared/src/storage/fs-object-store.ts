import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidKeyError, ObjectNotFoundError, UnsupportedStorageOperationError } from './errors.js';
import { RESERVED_PREFIX, assertValidKey, assertValidPrefix, compareKeys } from './keys.js';
import { listAllPages, pageSize } from './list-pages.js';
import type {
  Body,
  ByteRange,
  ListOptions,
  ListPage,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  ReadLocation,
} from './object-store.js';

const isNotFound = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Objects as files under one root directory: the embedded default. Writes go to a temporary file in
 * the root's reserved folder and are renamed into place, so readers never see partial objects.
 */
export class FsObjectStore implements ObjectStore {
  readonly driver = 'fs';
  private readonly root: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, RESERVED_PREFIX);
  }

  /** The file of a key; keys are validated, and the resolved path must stay under the root. */
  private pathOf(key: string): string {
    assertValidKey(key);
    const path = resolve(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) throw new InvalidKeyError(key, 'escapes the storage root');
    return path;
  }

  async put(key: string, body: Body, _options?: PutOptions): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomUUID());
    try {
      if (body instanceof Readable) await pipeline(body, createWriteStream(tmp));
      else await writeFile(tmp, body);
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      const code = (err as NodeJS.ErrnoException).code;
      // Unlike S3, a filesystem cannot hold both `a/b` and `a/b/c`; Orion's layout never needs it.
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
        throw new InvalidKeyError(
          key,
          'the filesystem store cannot hold a key that is also a folder of other keys',
        );
      }
      throw err;
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'EISDIR')
        throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    const info = await this.head(key);
    if (!info) throw new ObjectNotFoundError(key);
    return createReadStream(path, range ? { start: range.start, end: range.end } : undefined);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      if (!s.isFile()) return undefined;
      return { key, size: s.size, lastModified: s.mtime };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    const limit = pageSize(options);
    const objects: ObjectInfo[] = [];
    for await (const key of this.walk(prefix, options.cursor)) {
      if (objects.length === limit) return { objects, nextCursor: objects[objects.length - 1]!.key };
      const info = await this.head(key);
      if (info) objects.push(info);
    }
    return { objects };
  }

  listAll(prefix: string): AsyncIterable<ObjectInfo> {
    return listAllPages(this, prefix);
  }

  /**
   * Keys under `prefix` after `startAfter`, in byte order. Sorting each directory's entries with a
   * trailing `/` on folders makes a depth-first walk produce exactly S3's key order, and whole folders
   * that sort before the cursor are skipped without being read.
   */
  private async *walk(prefix: string, startAfter?: string): AsyncGenerator<string> {
    const slash = prefix.lastIndexOf('/');
    const baseKey = slash >= 0 ? prefix.slice(0, slash + 1) : '';
    yield* this.walkDir(baseKey, prefix, startAfter);
  }

  private async *walkDir(dirKey: string, prefix: string, startAfter?: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dirKey ? this.pathOf(dirKey.slice(0, -1)) : this.root, { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    const named = entries
      .filter((e) => !(dirKey === '' && `${e.name}/` === RESERVED_PREFIX))
      .map((e) => ({ key: dirKey + e.name + (e.isDirectory() ? '/' : ''), dir: e.isDirectory() }))
      .sort((a, b) => compareKeys(a.key, b.key));
    for (const entry of named) {
      if (entry.dir) {
        // Descend only where the folder can hold keys matching the prefix and after the cursor.
        if (!entry.key.startsWith(prefix) && !prefix.startsWith(entry.key)) continue;
        if (startAfter && compareKeys(entry.key, startAfter) < 0 && !startAfter.startsWith(entry.key))
          continue;
        yield* this.walkDir(entry.key, prefix, startAfter);
      } else if (entry.key.startsWith(prefix) && (!startAfter || compareKeys(entry.key, startAfter) > 0)) {
        yield entry.key;
      }
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return;
    }
    await this.pruneEmptyDirs(dirname(path));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix);
    const keys: string[] = [];
    for await (const key of this.walk(prefix)) keys.push(key);
    for (const key of keys)
      await unlink(this.pathOf(key)).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    const dirs = new Set(keys.map((k) => dirname(this.pathOf(k))));
    for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await this.pruneEmptyDirs(dir);
    return keys.length;
  }

  /** Removes now-empty folders up to (not including) the root, like S3 where folders do not exist. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    while (dir.startsWith(this.root + sep)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or gone): stop climbing
      }
      dir = dirname(dir);
    }
  }

  async removeIncompleteWrites(olderThan: Date): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch (err) {
      if (isNotFound(err)) return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.tmpDir, name);
      // A write in progress keeps touching its file, so its mtime stays recent.
      const s = await stat(path).catch(() => undefined);
      if (!s || s.mtime >= olderThan) continue;
      await rm(path, { force: true });
      removed++;
    }
    return removed;
  }

  async readLocation(key: string): Promise<ReadLocation> {
    const path = this.pathOf(key);
    if (!(await this.head(key))) throw new ObjectNotFoundError(key);
    return { kind: 'path', path };
  }

  presignPut(_key: string): Promise<string> {
    return Promise.reject(new UnsupportedStorageOperationError('filesystem', 'presigned uploads'));
  }

  async close(): Promise<void> {}
}
