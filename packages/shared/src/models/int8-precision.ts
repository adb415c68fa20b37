import { readFileSync } from 'node:fs';

/**
 * Whether ONNX Runtime must widen int8 products to int16 on this CPU (`session.x64quantprecision`).
 * Without VNNI, x64 int8 GEMMs multiply-add pairs of u8×s8 products into saturating int16
 * (vpmaddubsw), and models quantized on VNNI machines — the ONNX model zoo's MobileNetV2-int8 among
 * them — come out wrong: on an AVX2-only AMD EPYC, p(bus) of bus.jpg fell from 0.76 to 0.06
 * (microsoft/onnxruntime#14642, #6004). With VNNI (vpdpbusd) the sums are exact already.
 */
export function needsInt8Precision(arch: string = process.arch, cpuFlags: string[] | null = readCpuFlags()) {
  if (arch !== 'x64') return false;
  // Flags unknown (not Linux): the wider products cost ~10 % of an int8 model's time; wrong results cost more.
  if (!cpuFlags) return true;
  return !cpuFlags.includes('avx512_vnni') && !cpuFlags.includes('avx_vnni');
}

/** The CPU's feature flags from /proc/cpuinfo; null where there is none. */
export function readCpuFlags(): string[] | null {
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return line ? line[1]!.trim().split(/\s+/) : null;
  } catch {
    return null;
  }
}
