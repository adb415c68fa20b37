import { readFileSync } from 'node:fs';
import type { PointMatrix } from '../../src/index.js';

/** Reads a 2-d little-endian float32/float64 C-order .npy file (the fixture format) as a PointMatrix. */
export function readNpyMatrix(path: string): PointMatrix {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path} is not a .npy file`);
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order is not supported`);
  if (!shape) throw new Error(`${path}: expected a 2-d array, header ${header}`);
  const rows = Number(shape[1]);
  const cols = Number(shape[2]);
  // Copy into an aligned buffer: the data offset need not be a multiple of 8.
  const payload = bytes.subarray(headerStart + headerLength);
  const aligned = new Uint8Array(payload.length);
  aligned.set(payload);
  if (descr === '<f8') return { data: new Float64Array(aligned.buffer, 0, rows * cols), rows, cols };
  if (descr === '<f4') return { data: new Float32Array(aligned.buffer, 0, rows * cols), rows, cols };
  throw new Error(`${path}: unsupported dtype ${descr}`);
}
