/**
 * What ffprobe and ffmpeg may open for Orion: one self-contained video file, read from the store and
 * nothing else. ffmpeg's demuxers for playlists and reference formats (hls, concat, sdp, image
 * sequences …) open the files and URLs named inside the media, which would let an upload read another
 * tenant's video, the server's own files or internal HTTP services. Both tools therefore get:
 * - a container allowlist (`-format_whitelist`): demuxers that read only the bytes of their own input;
 * - a protocol allowlist (`-protocol_whitelist`): `file` for a local path, or only the protocols of the
 *   store's own presigned URL, so nothing inside the media can reach the network or another file.
 */

/**
 * ffmpeg demuxer names of the accepted containers (each entry is one demuxer; ffmpeg names some by a
 * list, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, and all of that list's names are here). None of them follows
 * references: the mov demuxer's external data references stay off (`enable_drefs` defaults to 0).
 */
export const MEDIA_CONTAINERS = [
  ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2'],
  ['matroska', 'webm'],
  ['avi'],
  ['mpegts'],
  ['mpeg'],
  ['flv'],
] as const;

/** The containers in words, for messages. */
export const MEDIA_CONTAINERS_TEXT = 'MP4/MOV/3GP, Matroska/WebM, AVI, MPEG-TS, MPEG-PS or FLV';

const ALLOWED_NAMES = new Set<string>(MEDIA_CONTAINERS.flat());
const FORMAT_WHITELIST = MEDIA_CONTAINERS.flat().join(',');

/** True when ffprobe's `format_name` (a demuxer's name list) is one of the accepted containers. */
export function isAllowedContainer(formatName: string): boolean {
  return formatName.split(',').some((name) => ALLOWED_NAMES.has(name.trim()));
}

const HTTPS = /^https:\/\//i;
const HTTP = /^http:\/\//i;

/**
 * The protocols ffmpeg may use to read `input`: those of its own URL (https needs tls and tcp under
 * it; plain http, as a development S3 endpoint uses, needs tcp) or `file` for a local path. A path
 * written like a URL of another protocol (`data:`, `subfile:`, `concat:` …) is then refused by ffmpeg.
 */
export function inputProtocols(input: string): string {
  if (HTTPS.test(input)) return 'https,tls,tcp';
  if (HTTP.test(input)) return 'http,tcp';
  return 'file';
}

/** Input options for every ffprobe / ffmpeg run on a stored video (they go before the input). */
export function mediaInputOptions(input: string): string[] {
  return ['-format_whitelist', FORMAT_WHITELIST, '-protocol_whitelist', inputProtocols(input)];
}

/** `input` as it may appear in a message: without a URL's query (presigned credentials). */
function urlWithoutQuery(input: string): string {
  return input.replace(/\?.*$/, '');
}

/**
 * ffmpeg's own words, with the input replaced by `name`: messages reach users and logs, and the
 * input is a server path or a presigned URL, neither of which they may see.
 */
export function scrubInput(text: string, input: string, name: string): string {
  let out = text.split(input).join(name);
  const base = urlWithoutQuery(input);
  if (base !== input) out = out.split(base).join(name);
  return out;
}

/** The message for a file whose container (ffmpeg demuxer name) is not accepted. */
export function unacceptedContainer(format: string): string {
  return (
    `the file is in the ${format} format, which is not accepted: only self-contained videos ` +
    `(${MEDIA_CONTAINERS_TEXT}); playlists and files that refer to other files are refused`
  );
}

/**
 * Why ffprobe / ffmpeg refused the input, from its stderr, in words a user can act on; `undefined`
 * when the refusal is not the allowlists' (the caller then reports ffmpeg's own reason).
 */
export function policyRefusal(stderr: string): string | undefined {
  const format = /\[([\w-]+) @ [^\]]*\] Format not on whitelist/.exec(stderr);
  if (format) return unacceptedContainer(format[1]!);
  const protocol = /Protocol '([\w-]+)' not on whitelist/.exec(stderr);
  if (protocol) {
    return `the file refers to data elsewhere (${protocol[1]}), which is not accepted: only self-contained videos`;
  }
  return undefined;
}
