import ffmpeg from 'fluent-ffmpeg';
import type { ReadLocation } from '../storage/object-store.js';
import { InvalidMediaError } from './invalid-media.js';
import {
  isAllowedContainer,
  mediaInputOptions,
  policyRefusal,
  scrubInput,
  unacceptedContainer,
} from './input-policy.js';
import { isDurationPlausible, measureVideoSeconds } from './stream-length.js';

/** What Orion needs to know about a video before planning it. */
export interface MediaProbe {
  /** The container's duration, or the packets' real length where the claim was not believable. */
  durationSeconds: number;
  /** What the container claimed, when the packets were measured instead (see probeMedia). */
  claimedDurationSeconds?: number;
  formatName: string;
  sizeBytes?: number;
  video: { codec: string; width: number; height: number; fps: number; frameCount?: number };
  hasAudio: boolean;
}

export { InvalidMediaError };

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [num, den] = rate.split('/').map(Number);
  if (!num || !den) return Number(num) || 0;
  return num / den;
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? text;
}

/** Why ffprobe failed, without the input's path or URL (fluent-ffmpeg appends ffprobe's stderr). */
function probeFailure(err: Error, input: string): InvalidMediaError {
  const refusal = policyRefusal(err.message);
  if (refusal) return new InvalidMediaError(refusal);
  const reason = scrubInput(lastLine(err.message), input, 'the file');
  return new InvalidMediaError(`not a readable video (ffprobe: ${reason})`);
}

/** What the container says, read with ffprobe's `-show_format -show_streams`. */
function readContainer(input: string): Promise<MediaProbe> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(input, mediaInputOptions(input), (err, data) => {
      if (err) {
        reject(probeFailure(err as Error, input));
        return;
      }
      // The allowlist already stops other demuxers; this keeps the promise even if it were bypassed.
      const formatName = data.format.format_name ?? 'unknown';
      if (!isAllowedContainer(formatName)) {
        reject(new InvalidMediaError(unacceptedContainer(formatName)));
        return;
      }
      const stream = data.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
      if (!stream) {
        reject(new InvalidMediaError('the file has no video stream'));
        return;
      }
      const duration = Number(data.format.duration ?? stream.duration);
      if (!Number.isFinite(duration) || duration <= 0) {
        reject(new InvalidMediaError('the video has zero or unknown duration'));
        return;
      }
      const width = stream.width ?? 0;
      const height = stream.height ?? 0;
      if (width <= 0 || height <= 0) {
        reject(new InvalidMediaError('the video stream has no picture size'));
        return;
      }
      const frames = Number(stream.nb_frames);
      resolve({
        durationSeconds: duration,
        formatName,
        sizeBytes: data.format.size ? Number(data.format.size) : undefined,
        video: {
          codec: stream.codec_name ?? 'unknown',
          width,
          height,
          fps: parseRate(stream.avg_frame_rate) || parseRate(stream.r_frame_rate),
          frameCount: Number.isFinite(frames) && frames > 0 ? frames : undefined,
        },
        hasAudio: data.streams.some((s) => s.codec_type === 'audio'),
      });
    });
  });
}

/**
 * ffprobe of a local path or a (presigned) URL, restricted to self-contained containers and the input's
 * own protocol (see input-policy.ts). Rejects with InvalidMediaError when the container is not
 * accepted, when ffprobe cannot read the data, when there is no video stream, or when the duration is
 * zero or unknown. A duration the file is too small to hold (a header can claim anything) is replaced
 * by the packets' real length (stream-length.ts). Its messages never contain the input's path or URL.
 */
export async function probeMedia(
  location: ReadLocation | string,
  /** The object's size as the store knows it (ffprobe may not learn it over HTTP). */
  known: { sizeBytes?: number } = {},
): Promise<MediaProbe> {
  const input =
    typeof location === 'string' ? location : location.kind === 'path' ? location.path : location.url;
  const probe = await readContainer(input);
  if (isDurationPlausible(probe.durationSeconds, known.sizeBytes ?? probe.sizeBytes)) return probe;
  const measured = await measureVideoSeconds(input);
  return { ...probe, durationSeconds: measured, claimedDurationSeconds: probe.durationSeconds };
}
