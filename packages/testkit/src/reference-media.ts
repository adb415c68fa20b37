/**
 * Text files that ffmpeg would read as media made of other files: what a hostile upload looks like
 * when it tries to make Orion decode a file it may not read. Save them under any name (`.mp4` …).
 */

/** An HLS (m3u8) playlist whose segments are the given paths or URLs, in order. */
export function hlsPlaylist(segments: readonly string[], segmentSeconds = 2): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${Math.ceil(segmentSeconds)}`];
  for (const s of segments) lines.push(`#EXTINF:${segmentSeconds.toFixed(1)},`, s);
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** An ffconcat list of the given files. */
export function concatList(files: readonly string[]): string {
  return ['ffconcat version 1.0', ...files.map((f) => `file '${f}'`), ''].join('\n');
}
