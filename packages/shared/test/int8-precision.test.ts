import { describe, expect, it } from 'vitest';
import { needsInt8Precision, readCpuFlags, sessionConfigOptions } from '../src/index.js';

describe('exact int8 products on CPUs without VNNI', () => {
  it('widens int8 products on x64 without VNNI, and only there', () => {
    const avx2 = ['sse4_2', 'avx', 'avx2', 'fma'];
    expect(needsInt8Precision('x64', avx2)).toBe(true);
    expect(needsInt8Precision('x64', [...avx2, 'avx512f', 'avx512bw'])).toBe(true); // saturates too
    expect(needsInt8Precision('x64', [...avx2, 'avx512f', 'avx512_vnni'])).toBe(false);
    expect(needsInt8Precision('x64', [...avx2, 'avx_vnni'])).toBe(false);
    expect(needsInt8Precision('x64', null)).toBe(true); // flags unknown: exact rather than fast
    expect(needsInt8Precision('arm64', null)).toBe(false);
  });

  it("reads this machine's flags and puts the setting beside the spinning ones", () => {
    const flags = readCpuFlags();
    if (process.platform === 'linux') expect(flags).toContain('sse2');
    expect(sessionConfigOptions(false, true)).toEqual({
      extra: {
        session: {
          intra_op: { allow_spinning: '0' },
          inter_op: { allow_spinning: '0' },
          x64quantprecision: '1',
        },
      },
    });
    expect(sessionConfigOptions(undefined, false)).toEqual({});
    expect(sessionConfigOptions(true, false).extra).toEqual({
      session: { intra_op: { allow_spinning: '1' }, inter_op: { allow_spinning: '1' } },
    });
  });
});
