/** Longest filename kept, in characters (what most filesystems allow, in bytes, for one name). */
export const MAX_FILENAME_CHARS = 255;

// C0 and C1 controls and DEL (a NUL cuts names short in C tools, a newline forges log lines), and the
// bidirectional overrides and isolates that make `gpj.mp4` read as another extension.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const EVERY_UNSAFE = new RegExp(UNSAFE.source, 'gu');

/** How a refused name is quoted in a message: short, with its unsafe characters escaped. */
function quoted(name: string): string {
  const chars = [...name];
  const head = chars.slice(0, 40).join('');
  return (
    JSON.stringify(head).replace(EVERY_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) +
    (chars.length > 40 ? '…' : '')
  );
}

/**
 * Why a filename cannot be kept, or undefined when it can. The name is only shown back (status,
 * reports, callbacks), never used as a path, but it still reaches terminals, logs and HTML.
 */
export function filenameProblem(name: string): string | undefined {
  const length = [...name].length;
  if (length > MAX_FILENAME_CHARS)
    return `filename ${quoted(name)} has ${length} characters (at most ${MAX_FILENAME_CHARS})`;
  if (UNSAFE.test(name)) return `filename ${quoted(name)} has control or bidirectional-override characters`;
  return undefined;
}
