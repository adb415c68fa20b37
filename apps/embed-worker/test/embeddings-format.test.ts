import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidShardFileError,
  FsObjectStore,
  packEmbeddings,
  parseEmbeddingsIndex,
  readShardEmbeddings,
  readShardReid,
  shardReid,
  unpackEmbeddings,
  videoKeys,
  type EmbeddingsToPack,
} from '@orion/shared';

// The stored embeddings format: float32 little-endian matrices in embeddings.bin, described by
// embeddings.json (docs/embeddings.md).

const vec = (...values: number[]) => Float32Array.from(values);

const input = (multimodal: boolean): EmbeddingsToPack => ({
  videoId: 'v1',
  shardIndex: 2,
  model: { backend: 'clip', name: 'm', sha256: 'a'.repeat(64), executionProvider: 'cpu' },
  dim: 3,
  observations: [
    {
      detection: 0,
      frame: 10,
      label: 'bottle',
      verification: {
        status: 'verified',
        isMatch: true,
        probability: 0.9,
        similarity: 0.31,
        confidence: 'high',
        suggestedClass: 'bottle',
        suggestedProbability: 0.9,
      },
    },
    {
      detection: 1,
      frame: 11,
      label: 'person',
      verification: {
        status: 'unverifiable',
        reason: 'no counterpart',
        suggestedClass: null,
        suggestedProbability: null,
      },
    },
  ],
  vision: [vec(1, 0, 0), vec(0.6, 0.8, -0)],
  multimodal: multimodal
    ? { vectors: [vec(0, 1, 0), vec(0, 0, -1)], textWeight: 0.3, promptTemplate: 'a photo of a {}.' }
    : undefined,
  verification: { threshold: 0.3, candidates: ['bottle', 'person'] },
});

describe('stored embeddings format', () => {
  it('writes float32 little-endian rows, vision then multimodal, and reads them back', () => {
    const { bin, index } = packEmbeddings(input(true));
    expect(bin.length).toBe(2 * 2 * 3 * 4);
    expect(index).toMatchObject({ count: 2, dim: 3, byteLength: 48, matrices: { vision: { offset: 0 } } });
    expect(index.matrices.multimodal).toEqual({
      offset: 24,
      textWeight: 0.3,
      promptTemplate: 'a photo of a {}.',
    });
    // Byte-level layout, independent of the host's byte order.
    expect(bin.readFloatLE(3 * 4)).toBeCloseTo(0.6, 6); // vision row 1, value 0
    expect(bin.readFloatLE(24 + 5 * 4)).toBe(-1); // multimodal row 1, value 2
    // The index is plain JSON without float arrays, and survives a round trip through text.
    const text = JSON.stringify(index);
    expect(text).not.toMatch(/\[\s*-?\d+\.\d+\s*,\s*-?\d+\.\d+/);
    const read = unpackEmbeddings(parseEmbeddingsIndex(text), bin);
    expect(Array.from(read.row('vision', 1))).toEqual([Math.fround(0.6), Math.fround(0.8), -0]);
    expect(Array.from(read.row('multimodal', 0))).toEqual([0, 1, 0]);
    expect(read.matrix('vision')).toHaveLength(6);
    expect(() => read.row('vision', 2)).toThrow(/row 2 is outside 0…1/);
  });

  it('leaves the multimodal matrix out when it was not computed', () => {
    const { bin, index } = packEmbeddings(input(false));
    const read = unpackEmbeddings(index, bin);
    expect(bin.length).toBe(24);
    expect(read.has('multimodal')).toBe(false);
    expect(() => read.matrix('multimodal')).toThrow(/no multimodal matrix/);
  });

  it('rejects a truncated matrix file or an index that does not add up', () => {
    const { bin, index } = packEmbeddings(input(true));
    expect(() =>
      unpackEmbeddings(index, bin.subarray(0, 40), 'videos/v1/shards/00002/embeddings.bin'),
    ).toThrow(InvalidShardFileError);
    expect(() => parseEmbeddingsIndex(JSON.stringify({ ...index, byteLength: 24 }))).toThrow(
      /byteLength 24 does not fit 2 matrices of 2×3 float32/,
    );
    expect(() => parseEmbeddingsIndex(JSON.stringify({ ...index, count: 3 }))).toThrow(
      /2 observations for count 3/,
    );
    expect(() => parseEmbeddingsIndex('{"format":"orion.embeddings"}', 'k.json')).toThrow(
      /Invalid shard file k\.json/,
    );
  });

  it('refuses rows of the wrong size', () => {
    const bad = input(false);
    bad.vision[1] = vec(1, 0);
    expect(() => packEmbeddings(bad)).toThrow(/vision embedding 1 has 2 values, expected 3/);
  });

  it('stores re-id vectors of some observations after the other matrices (version 2)', () => {
    const withReid: EmbeddingsToPack = {
      ...input(true),
      reid: {
        dim: 2,
        model: { name: 'osnet', sha256: 'b'.repeat(64), executionProvider: 'cpu' },
        classes: ['person'],
        rows: [1],
        vectors: [vec(0.6, -0.8)],
      },
    };
    const { bin, index } = packEmbeddings(withReid);
    expect(index.version).toBe(2);
    expect(bin.length).toBe(48 + 8);
    expect(index.reid).toMatchObject({ offset: 48, dim: 2, rows: [1], classes: ['person'] });
    expect(bin.readFloatLE(52)).toBeCloseTo(-0.8, 6);
    const parsed = parseEmbeddingsIndex(JSON.stringify(index));
    // The other matrices read as before.
    expect(Array.from(unpackEmbeddings(parsed, bin).row('multimodal', 0))).toEqual([0, 1, 0]);
    const reid = shardReid(parsed, bin)!;
    expect(reid.rows).toEqual([1]);
    expect(reid.vector(0)).toBeUndefined();
    expect(Array.from(reid.vector(1)!)).toEqual([Math.fround(0.6), Math.fround(-0.8)]);
    expect(reid.model.name).toBe('osnet');

    expect(() => parseEmbeddingsIndex(JSON.stringify({ ...index, byteLength: 48 }))).toThrow(
      /byteLength 48 does not fit 2 matrices of 2×3 float32 and 1×2 re-id vectors/,
    );
    expect(() =>
      parseEmbeddingsIndex(JSON.stringify({ ...index, reid: { ...index.reid, rows: [2] } })),
    ).toThrow(/reid rows must be ascending observation indices below 2/);
    expect(() => parseEmbeddingsIndex(JSON.stringify({ ...index, version: 1 }))).toThrow(
      /a reid section needs version 2/,
    );
    expect(() => packEmbeddings({ ...withReid, reid: { ...withReid.reid!, rows: [1, 0] } })).toThrow(
      /1 re-id vectors for 2 rows/,
    );
    expect(() => packEmbeddings({ ...withReid, reid: { ...withReid.reid!, rows: [5] } })).toThrow(
      /ascending observation indices below 2/,
    );
  });

  it('still reads shards stored in version 1 (before re-id): no re-id vectors', async () => {
    // A version-1 shard as the previous release wrote it: the same index without `reid`.
    const { bin, index } = packEmbeddings(input(false));
    const v1 = { ...index, version: 1 };
    expect(v1).not.toHaveProperty('reid');
    const dir = await mkdtemp(join(tmpdir(), 'orion-embeddings-v1-'));
    try {
      const store = new FsObjectStore(dir);
      const keys = videoKeys('v1').shard(2);
      await store.put(keys.embeddings, bin);
      await store.put(keys.embeddingsIndex, JSON.stringify(v1));
      const read = await readShardEmbeddings(store, 'v1', 2);
      expect(read.index.version).toBe(1);
      expect(Array.from(read.row('vision', 1))).toEqual([Math.fround(0.6), Math.fround(0.8), -0]);
      expect(await readShardReid(store, 'v1', 2)).toBeNull();
      expect(shardReid(read.index, bin)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
