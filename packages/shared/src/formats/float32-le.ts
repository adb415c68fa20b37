import { endianness } from 'node:os';

/**
 * Stored float32 values are little-endian whatever the host: on a little-endian host (nearly all)
 * they are copied as bytes, elsewhere converted value by value.
 */
const hostIsLittleEndian = endianness() === 'LE';

/** Writes `values` as float32 little-endian into `target` from byte `offset`. */
export function writeFloat32LE(target: Buffer, offset: number, values: Float32Array): void {
  if (hostIsLittleEndian) {
    Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(target, offset);
  } else {
    for (let j = 0; j < values.length; j++) target.writeFloatLE(values[j]!, offset + j * 4);
  }
}

/** Reads `length` float32 little-endian values from byte `offset` into a fresh (aligned, host-order) array. */
export function readFloat32LE(bin: Buffer, offset: number, length: number): Float32Array {
  const out = new Float32Array(length);
  if (hostIsLittleEndian) {
    Buffer.from(out.buffer).set(bin.subarray(offset, offset + length * 4));
  } else {
    for (let i = 0; i < length; i++) out[i] = bin.readFloatLE(offset + i * 4);
  }
  return out;
}
