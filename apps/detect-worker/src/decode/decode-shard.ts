import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { CodedError, mediaInputOptions, policyRefusal, scrubInput, type RawImage } from '@orion/shared';
import { sampleTime, shardFrameRange, toRational, type FrameRange } from './frame-range.js';
import { readPpmFrames } from './ppm-frames.js';

export interface DecodeShardOptions {
  /** Local path or (presigned) http(s) URL of the source video. */
  input: string;
  startSeconds: number;
  endSeconds: number;
  fps: number;
  /** How messages name the video (never its path or URL, which users must not see). */
  label?: string;
}

export interface DecodedFrame {
  /** Sample index n in the whole video. */
  index: number;
  /** n / fps seconds. */
  t: number;
  image: RawImage;
}

const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/** ffmpeg could not read the shard; the message carries ffmpeg's own last words. */
export class DecodeError extends CodedError {
  readonly code = 'ERR_DECODE';
}

/**
 * ffmpeg's reason for failing: the allowlists' refusal, or the last stderr lines that are not progress
 * or banner noise, with the input (a server path or presigned URL) replaced by the video's label.
 */
function ffmpegReason(stderr: string[], fallback: string, input: string, label: string): string {
  const refusal = policyRefusal(stderr.join('\n'));
  if (refusal) return refusal;
  const useful = stderr.filter((l) => l.trim() && !/^\s*(frame=|size=|Stream mapping|Press \[q\])/.test(l));
  return scrubInput(useful.slice(-3).join(' | ').trim() || fallback, input, label);
}

/**
 * The ffmpeg arguments that turn the source into samples first … first + count − 1 as PPM frames:
 * - only a self-contained container, read over the input's own protocol (input-policy.ts): a playlist
 *   or reference file that got into the store is refused here too;
 * - input seek to the keyframe at or before the shard start (never reading the file from the start;
 *   over HTTP that is a range request), keeping absolute timestamps from the file start;
 * - `fps=…:round=up` gives tick n the last frame whose time is ≤ n / fps (the frame on screen then);
 * - `trim` in the fps filter's time base (1 / fps) keeps exactly the shard's ticks, and `-frames:v`
 *   stops ffmpeg as soon as the last one is out.
 */
export function ffmpegArgs(opts: DecodeShardOptions, range: FrameRange) {
  const rate = toRational(opts.fps);
  const http = /^https?:\/\//.test(opts.input);
  const input = [
    ...mediaInputOptions(opts.input),
    ...(http ? ['-reconnect', '1', '-reconnect_delay_max', '5'] : []),
    ...(opts.startSeconds > 0 ? ['-noaccurate_seek', '-ss', opts.startSeconds.toFixed(6)] : []),
  ];
  const output = [
    '-copyts',
    '-start_at_zero',
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=fps=${rate.num}/${rate.den}:round=up,trim=start_pts=${range.first}:end_pts=${range.first + range.count}`,
    '-vsync',
    'passthrough',
    '-frames:v',
    String(range.count),
    '-pix_fmt',
    'rgb24',
    '-c:v',
    'ppm',
    '-f',
    'image2pipe',
  ];
  return { input, output };
}

/**
 * Decodes the samples of one shard's time range, streaming RGB frames from ffmpeg's stdout (no temp
 * files; ffmpeg waits while the consumer is busy). Ends early without error when the video is shorter
 * than the range; fails with a DecodeError when ffmpeg fails.
 */
export async function* decodeShardFrames(opts: DecodeShardOptions): AsyncGenerator<DecodedFrame> {
  const range = shardFrameRange(opts.startSeconds, opts.endSeconds, opts.fps);
  if (range.count === 0) return;
  const { input, output } = ffmpegArgs(opts, range);
  const label = opts.label ?? 'the video';
  const where = `${label} [${opts.startSeconds}s, ${opts.endSeconds}s)`;
  const stderr: string[] = [];
  let failure: Error | undefined;
  let exited = false;
  // A buffer of a few frames lets ffmpeg decode ahead while the detector works (a 64 KiB pipe would
  // hold it back to the detector's pace). No auto-destroy: fluent-ffmpeg reports "Output stream
  // closed" (and kills ffmpeg) when its target closes before ffmpeg's exit is seen, which under load
  // happens to successful runs too.
  const out = new PassThrough({ autoDestroy: false, highWaterMark: READ_AHEAD_BYTES });
  const command = ffmpeg(opts.input).inputOptions(input).outputOptions(output);
  const finished = new Promise<void>((resolve) => {
    command
      .on('stderr', (line: string) => {
        stderr.push(line);
        if (stderr.length > 40) stderr.shift();
      })
      .on('end', () => {
        exited = true;
        resolve();
      })
      .on('error', (err: Error) => {
        exited = true;
        failure = err;
        out.end();
        resolve();
      });
  });
  command.pipe(out, { end: true });

  const failed = () =>
    new DecodeError(
      `ffmpeg could not decode ${where}: ${ffmpegReason(stderr, failure?.message ?? 'unknown error', opts.input, label)}`,
    );
  let i = 0;
  try {
    try {
      for await (const image of readPpmFrames(out)) {
        yield { index: range.first + i, t: sampleTime(range.first + i, opts.fps), image };
        i++;
      }
    } catch (err) {
      // A broken frame stream is a symptom; ffmpeg's exit says what went wrong.
      await finished;
      if (failure) throw failed();
      throw new DecodeError(
        `cannot read the frames of ${where}: ${scrubInput((err as Error).message, opts.input, label)}`,
      );
    }
    await finished;
    if (failure) throw failed();
  } finally {
    // The consumer stopped early (error or abandon): do not leave ffmpeg running.
    if (!exited) command.kill('SIGKILL');
    out.destroy();
  }
}

export { shardFrameRange };
