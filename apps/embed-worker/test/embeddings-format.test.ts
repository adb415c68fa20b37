import { describe, expect, it } from 'vitest';
import {
  InvalidShardFileError,
  packEmbeddings,
  parseEmbeddingsIndex,
  unpackEmbeddings,
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
});
