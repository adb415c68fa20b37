const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** Fields every line of a process carries: the prefix says it already. */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'service']);

/**
 * One line of the merged log of `npm start`: `[label] HH:MM:SS LEVEL message key=value …` for a pino
 * JSON line, or the line as it came for anything else (ffmpeg, a crash's stack trace).
 */
export function formatLogLine(label: string, line: string, labelWidth: number): string {
  const prefix = `[${label}]`.padEnd(labelWidth + 2);
  if (!line.startsWith('{')) return `${prefix} ${line}`;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix} ${line}`;
  }
  const at =
    typeof entry.time === 'number' || typeof entry.time === 'string' ? new Date(entry.time) : undefined;
  const time = at && !Number.isNaN(at.getTime()) ? at.toTimeString().slice(0, 8) : '--:--:--';
  const level = LEVELS[entry.level as number] ?? String(entry.level ?? '');
  const rest = Object.entries(entry)
    .filter(([k]) => !OMITTED.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${prefix} ${time} ${level.padEnd(5)} ${String(entry.msg ?? '')}${rest ? ` ${rest}` : ''}`;
}
