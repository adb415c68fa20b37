import { describe, expect, it } from 'vitest';
import { loadConfig } from '@orion/shared';
import { embedIntraOpThreads, embedWorkerSettings } from '../src/settings.js';

const config = (env: Record<string, string> = {}) => loadConfig({ ...env });

describe('embed worker ONNX Runtime threads', () => {
  it('takes its share of the cores: cores ÷ (EMBED_CONCURRENCY × ORT_SHARING_PROCESSES), at least 1', () => {
    // Defaults: EMBED_CONCURRENCY 2, ORT_SHARING_PROCESSES 2.
    expect(embedIntraOpThreads(config(), 2)).toBe(1);
    expect(embedIntraOpThreads(config(), 16)).toBe(4);
    expect(embedIntraOpThreads(config({ EMBED_CONCURRENCY: '1' }), 16)).toBe(8);
    expect(embedIntraOpThreads(config({ EMBED_CONCURRENCY: '1', ORT_SHARING_PROCESSES: '1' }), 2)).toBe(2);
    expect(embedIntraOpThreads(config({ EMBED_CONCURRENCY: '2', ORT_SHARING_PROCESSES: '4' }), 16)).toBe(2);
    expect(embedIntraOpThreads(config({ EMBED_CONCURRENCY: '4' }), 2)).toBe(1);
  });

  it('keeps an explicit ORT_INTRA_OP_THREADS, and gives every embed-stage session the same count', () => {
    const c = config({ ORT_INTRA_OP_THREADS: '3' });
    expect(embedIntraOpThreads(c, 2)).toBe(3);
    const s = embedWorkerSettings(c);
    expect(s.model.intraOpThreads).toBe(3);
    expect(s.reid?.model.intraOpThreads).toBe(3);
    expect(s.secondLook?.intraOpThreads).toBe(3);
  });

  it('refuses a sharing count below 1', () => {
    expect(() => config({ ORT_SHARING_PROCESSES: '0' })).toThrow(/ORT_SHARING_PROCESSES/);
  });
});
