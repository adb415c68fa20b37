import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsObjectStore, InvalidKeyError, UnsupportedStorageOperationError } from '@orion/shared';
import { objectStoreContract } from './object-store-contract.js';

const roots: string[] = [];
async function tempRoot() {
  const parent = await mkdtemp(join(tmpdir(), 'orion-fs-store-'));
  roots.push(parent);
  return parent;
}
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

objectStoreContract('filesystem', async () => new FsObjectStore(join(await tempRoot(), 'data')));

describe('FsObjectStore', () => {
  it('never writes outside its root, whatever the key', async () => {
    const parent = await tempRoot();
    const store = new FsObjectStore(join(parent, 'data'));
    for (const key of ['../../etc/passwd', '../escape', 'x/../../escape']) {
      await expect(store.put(key, 'owned')).rejects.toBeInstanceOf(InvalidKeyError);
    }
    expect(existsSync(join(parent, 'escape'))).toBe(false);
    expect(await readdir(parent)).toEqual([]);
  });

  it('leaves no temporary files behind and removes emptied folders', async () => {
    const root = join(await tempRoot(), 'data');
    const store = new FsObjectStore(root);
    await store.put('videos/v1/shards/00000/detections.json', '{}');
    expect(await readdir(join(root, '.orion-tmp'))).toEqual([]);
    await store.deletePrefix('videos/v1/');
    expect((await readdir(root)).filter((n) => n !== '.orion-tmp')).toEqual([]);
  });

  it('refuses a key that is also a folder of other keys, with a clear error', async () => {
    const store = new FsObjectStore(join(await tempRoot(), 'data'));
    await store.put('a/b/c', 'c');
    await expect(store.put('a/b', 'b')).rejects.toThrowError(/cannot hold a key that is also a folder/);
    await store.put('x/y', 'y');
    await expect(store.put('x/y/z', 'z')).rejects.toThrowError(/cannot hold a key that is also a folder/);
    expect((await store.get('a/b/c')).toString()).toBe('c');
    expect((await store.get('x/y')).toString()).toBe('y');
  });

  it('does not offer presigned uploads', async () => {
    const store = new FsObjectStore(join(await tempRoot(), 'data'));
    await expect(store.presignPut('a')).rejects.toBeInstanceOf(UnsupportedStorageOperationError);
  });

  it('removes unfinished writes older than the cutoff from its reserved folder, and keeps recent ones and objects', async () => {
    const root = join(await tempRoot(), 'data');
    const store = new FsObjectStore(root);
    expect(await store.removeIncompleteWrites(new Date())).toBe(0); // no reserved folder yet
    await store.put('videos/v/source', 'whole');
    const tmp = join(root, '.orion-tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, 'dead'), 'partial upload of a killed process');
    await writeFile(join(tmp, 'live'), 'still being written');
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(join(tmp, 'dead'), hourAgo, hourAgo);
    expect(await store.removeIncompleteWrites(new Date(Date.now() - 60_000))).toBe(1);
    expect(await readdir(tmp)).toEqual(['live']);
    expect((await store.get('videos/v/source')).toString()).toBe('whole');
  });
});
