import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { InvalidMediaError } from './invalid-media.js';
import { mediaInputOptions, policyRefusal, scrubInput } from './input-policy.js';

/**
 * A container's duration is only a claim: a few bytes in a header (MP4 `mvhd`, Matroska `Duration`)
 * that a 43 KB file can set to 2³²−1 s. Below this many bytes per claimed second the claim is checked
 * against the packets themselves. Real videos go lower (a still 720p screen: ~1 KB/s), so the threshold
 * only decides when to look, never what to refuse; 16 KB/s (128 kbit/s) keeps the check to files that
 * are small for their claim, where reading every packet is cheap.
 */
export const MIN_TRUSTED_BYTES_PER_SECOND = 16 * 1024;

/** Longest the packet scan may take; past it the file is refused rather than planned on a guess. */
export const STREAM_SCAN_TIMEOUT_MS = 60_000;

/** True when `sizeBytes` is enough data for `durationSeconds` that the container's claim is believed. */
export function isDurationPlausible(durationSeconds: number, sizeBytes: number | undefined): boolean {
  return sizeBytes !== undefined && sizeBytes / durationSeconds >= MIN_TRUSTED_BYTES_PER_SECOND;
}

const FIELD = /(pts_time|dts_time|duration_time)=([^|]*)/g;

/**
 * The first video stream's real length: the span of its packets' timestamps (last packet's end minus
 * first packet's start). Packets are demuxed, not decoded, so the cost is one read of the file and a
 * line per packet (~0.3 s for 18,000 packets); the scan is killed after `timeoutMs`. Rejects with
 * InvalidMediaError (never naming `input`) when ffprobe fails, times out, or finds no timed packet.
 */
export function measureVideoSeconds(input: string, timeoutMs = STREAM_SCAN_TIMEOUT_MS): Promise<number> {
  const args = [
    '-v',
    'error',
    ...mediaInputOptions(input),
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,dts_time,duration_time',
    '-of',
    'compact=p=0',
    '-i',
    input,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.FFPROBE_PATH || 'ffprobe', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let first = Infinity;
    let end = -Infinity;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString();
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const f: Record<string, number> = {};
      for (const [, name, value] of line.matchAll(FIELD)) f[name!] = Number(value);
      const at = Number.isFinite(f.pts_time) ? f.pts_time! : f.dts_time;
      if (at === undefined || !Number.isFinite(at)) return;
      first = Math.min(first, at);
      end = Math.max(end, at + (Number.isFinite(f.duration_time) ? f.duration_time! : 0));
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new InvalidMediaError(`its length could not be checked within ${timeoutMs / 1000} s`));
      } else if (code !== 0) {
        const refusal = policyRefusal(stderr);
        const reason = scrubInput(stderr.trim().split('\n').at(-1) ?? '', input, 'the file');
        reject(new InvalidMediaError(refusal ?? `not a readable video (ffprobe: ${reason})`));
      } else if (!(end > first)) {
        reject(new InvalidMediaError('the video stream has no timed frames'));
      } else {
        resolve(end - first);
      }
    });
  });
}
