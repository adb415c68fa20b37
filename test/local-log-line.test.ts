import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../scripts/local/log-line.js';

describe("npm start's log lines", () => {
  it('shortens a pino JSON line to time, level, message and its own fields behind the prefix', () => {
    const time = new Date(2026, 0, 2, 13, 4, 5).toISOString();
    const line = JSON.stringify({
      level: 40,
      time,
      pid: 7,
      hostname: 'h',
      msg: 'slow shard',
      shard: 3,
      ms: 1200,
    });
    expect(formatLogLine('detect-worker', line, 16)).toBe(
      '[detect-worker]    13:04:05 WARN  slow shard shard=3 ms=1200',
    );
  });

  it('passes anything else through as it came', () => {
    expect(formatLogLine('api', '    at main (file.ts:1:1)', 16)).toBe(
      '[api]                  at main (file.ts:1:1)',
    );
    expect(formatLogLine('api', '{not json', 16)).toBe('[api]              {not json');
  });
});
