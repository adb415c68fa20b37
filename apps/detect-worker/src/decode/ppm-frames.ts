import type { RawImage } from '@orion/shared';

const EMPTY: Buffer = Buffer.alloc(0);
// "P6" whitespace width whitespace height whitespace maxval, then exactly one whitespace byte.
const HEADER = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/;
const MAX_HEADER_BYTES = 64;

function parseHeader(buf: Buffer): { width: number; height: number; length: number } | undefined {
  if (buf.length >= 2 && (buf[0] !== 0x50 || buf[1] !== 0x36)) {
    throw new Error('the frame stream is not binary PPM (no "P6" header)');
  }
  const match = HEADER.exec(buf.subarray(0, MAX_HEADER_BYTES).toString('latin1'));
  if (!match) {
    if (buf.length >= MAX_HEADER_BYTES) throw new Error('unreadable PPM header in the frame stream');
    return undefined;
  }
  if (match[3] !== '255') throw new Error(`PPM frames must be 8-bit (maxval 255), got ${match[3]}`);
  return { width: Number(match[1]), height: Number(match[2]), length: match[0].length };
}

/**
 * Splits a stream of binary PPM images (what ffmpeg's image2pipe writes with the ppm encoder) into
 * RGB frames. Each frame carries its own size, so rotation and mid-stream size changes need no probe.
 */
export async function* readPpmFrames(stream: AsyncIterable<Buffer>): AsyncGenerator<RawImage> {
  let header: Buffer = EMPTY;
  let frame: RawImage | undefined;
  let filled = 0;
  for await (let chunk of stream) {
    while (chunk.length > 0) {
      if (!frame) {
        header = header.length ? Buffer.concat([header, chunk]) : chunk;
        chunk = EMPTY;
        const parsed = parseHeader(header);
        if (!parsed) break;
        frame = {
          width: parsed.width,
          height: parsed.height,
          data: Buffer.allocUnsafe(parsed.width * parsed.height * 3),
        };
        filled = 0;
        chunk = header.subarray(parsed.length);
        header = EMPTY;
      } else {
        const n = Math.min(chunk.length, frame.data.length - filled);
        chunk.copy(frame.data, filled, 0, n);
        filled += n;
        chunk = chunk.subarray(n);
      }
      if (frame && filled === frame.data.length) {
        yield frame;
        frame = undefined;
      }
    }
  }
  if (frame || header.length) throw new Error('the frame stream ended in the middle of a frame');
}
