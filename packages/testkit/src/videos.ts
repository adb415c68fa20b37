import { readFile, writeFile } from 'node:fs/promises';
import ffmpeg from 'fluent-ffmpeg';

export interface TestVideoOptions {
  /** Output file (its extension picks the container, e.g. .mp4). */
  out: string;
  seconds: number;
  fps?: number;
  width?: number;
  height?: number;
  /** Add a sine audio track. */
  audio?: boolean;
  /** Index (moov) at the front, as streaming MP4s have it: a cut-short copy still claims the whole length. */
  faststart?: boolean;
}

/** Renders ffmpeg's `testsrc2` pattern (moving, with a frame counter) to an H.264 file. */
export function makeTestVideo(opts: TestVideoOptions): Promise<string> {
  const { out, seconds, fps = 30, width = 320, height = 240, audio = false, faststart = false } = opts;
  return new Promise((resolve, reject) => {
    const cmd = ffmpeg()
      .input(`testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`)
      .inputFormat('lavfi');
    if (audio) cmd.input(`sine=frequency=440:duration=${seconds}`).inputFormat('lavfi');
    cmd
      .outputOptions(['-c:v libx264', '-preset ultrafast', '-pix_fmt yuv420p', `-g ${Math.round(fps)}`])
      .outputOptions(audio ? ['-c:a aac', '-shortest'] : ['-an'])
      .outputOptions(faststart ? ['-movflags +faststart'] : [])
      .output(out)
      .on('end', () => resolve(out))
      .on('error', (err: Error) => reject(new Error(`ffmpeg could not make ${out}: ${err.message}`)))
      .run();
  });
}

/** A stretch of a source video, in seconds (start ≤ t < end). */
export interface Cut {
  start: number;
  end: number;
}

/**
 * Spans of a source video (ground-truth visits, say) as they land in a video made of `cuts` back to
 * back: the part of each span inside each cut, shifted to where that cut starts. A span that two cuts
 * share comes out twice; a span outside every cut is gone.
 */
export function spansInCuts<T extends Cut>(spans: readonly T[], cuts: readonly Cut[]): T[] {
  const out: T[] = [];
  let offset = 0;
  for (const cut of cuts) {
    for (const span of spans) {
      const start = Math.max(span.start, cut.start);
      const end = Math.min(span.end, cut.end);
      if (end > start)
        out.push({ ...span, start: start - cut.start + offset, end: end - cut.start + offset });
    }
    offset += cut.end - cut.start;
  }
  return out;
}

/**
 * Re-cuts a video: the given stretches of `source` back to back, re-encoded at the source's frame
 * rate (H.264, no audio). Each stretch is its own seeked input, so nothing is buffered in between.
 */
export function recutVideo(source: string, cuts: readonly Cut[], out: string): Promise<string> {
  if (cuts.length === 0) return Promise.reject(new Error('recutVideo needs at least one cut'));
  return new Promise((resolve, reject) => {
    const cmd = ffmpeg();
    for (const c of cuts) cmd.input(source).inputOptions([`-ss ${c.start}`, `-to ${c.end}`]);
    const parts = cuts.map((_, i) => `[${i}:v]setpts=PTS-STARTPTS,setsar=1[v${i}]`);
    parts.push(`${cuts.map((_, i) => `[v${i}]`).join('')}concat=n=${cuts.length}:v=1:a=0[out]`);
    cmd
      .complexFilter(parts.join(';'))
      .outputOptions(['-map [out]', '-c:v libx264', '-preset veryfast', '-crf 20', '-pix_fmt yuv420p', '-an'])
      .output(out)
      .on('end', () => resolve(out))
      .on('error', (err: Error) => reject(new Error(`ffmpeg could not re-cut ${source}: ${err.message}`)))
      .run();
  });
}

/** Offset of an MP4 box's 4-letter type in `data` (the first one; boxes here are not nested twice). */
function boxAt(data: Buffer, type: string, file: string): number {
  const at = data.indexOf(type, 0, 'latin1');
  if (at < 0) throw new Error(`${file} has no ${type} box`);
  if (data[at + 4] !== 0) throw new Error(`${file}: only version-0 ${type} boxes are handled`);
  return at;
}

/**
 * A copy of an MP4 (e.g. from makeTestVideo) whose header lies about its length, as a hostile upload
 * would: the movie header (`mvhd`, what ffprobe reports as the container's duration) claims
 * `claimSeconds` (a whole number up to 2³²−1). With `stretchPackets`, the video track's timescale
 * (`mdhd`) becomes 1 tick per second, so the packets' own timestamps span thousands of seconds too.
 */
export async function withClaimedDuration(
  source: string,
  out: string,
  claimSeconds: number,
  opts: { stretchPackets?: boolean } = {},
): Promise<string> {
  const data = await readFile(source);
  // version(1) flags(3) creation(4) modification(4), then timescale(4) and duration(4).
  const mvhd = boxAt(data, 'mvhd', source) + 4 + 12;
  data.writeUInt32BE(1, mvhd);
  data.writeUInt32BE(claimSeconds, mvhd + 4);
  if (opts.stretchPackets) data.writeUInt32BE(1, boxAt(data, 'mdhd', source) + 4 + 12);
  await writeFile(out, data);
  return out;
}

/** Re-encodes `input` through an ffmpeg video filter (`scale=320:240`, `pad=…`) to H.264 at near-source quality. */
export function filterVideo(input: string, filter: string, out: string): Promise<string> {
  return new Promise((resolve, reject) => {
    ffmpeg(input)
      .videoFilters(filter)
      .outputOptions(['-c:v libx264', '-crf 18', '-pix_fmt yuv420p'])
      .output(out)
      .on('end', () => resolve(out))
      .on('error', (err: Error) =>
        reject(new Error(`ffmpeg could not filter ${input} (${filter}): ${err.message}`)),
      )
      .run();
  });
}
