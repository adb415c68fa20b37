import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, jobLogger } from '@orion/shared';

describe('logger', () => {
  it('writes JSON lines whose job children carry video and shard', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ name: 'detect-worker', level: 'debug', pretty: false, destination });
    jobLogger(logger, { queue: 'detect', jobId: '7', videoId: 'v1', shardIndex: 2 }).info(
      { frames: 40 },
      'shard done',
    );
    logger.trace('not at this level');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      name: 'detect-worker',
      queue: 'detect',
      jobId: '7',
      videoId: 'v1',
      shardIndex: 2,
      frames: 40,
      msg: 'shard done',
      level: 30,
    });
  });
});
