import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RunningRedis } from '@orion/testkit';
import { createRequestRedisConnection, isRedisUnavailableError } from '../src/index.js';

// The API's fail-fast connection on a real redis-server of its own (paused and stopped here).

let server: RunningRedis;
let conn: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  conn = createRequestRedisConnection(server.url, 'request-test', { commandTimeoutMs: 500 });
  conn.on('error', () => undefined); // reconnect attempts while the server is stopped are expected
  await new Promise((resolve) => conn.once('ready', resolve));
});
afterAll(async () => {
  conn?.disconnect();
  await server?.stop();
});

const failure = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('request Redis connection', () => {
  it('tells a command error (a bug) from Redis being unreachable', async () => {
    await conn.set('a-string', 'x');
    const err = await failure(conn.lpush('a-string', 'y'));
    expect(err).toBeInstanceOf(Error);
    expect(isRedisUnavailableError(err)).toBe(false);
    expect(isRedisUnavailableError(new Error('boom'))).toBe(false);
  });

  it('gives up on a hung Redis after the command timeout', async () => {
    const admin = new Redis(server.url);
    try {
      await admin.client('PAUSE', 1500, 'WRITE');
      const started = Date.now();
      const err = await failure(conn.set('late', '1'));
      expect(isRedisUnavailableError(err)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1400);
    } finally {
      admin.disconnect();
    }
  });

  it('fails at once while Redis is down, queues nothing, and works again after a restart', async () => {
    const port = server.port;
    await server.stop();
    const started = Date.now();
    const err = await failure(conn.set('offline', '1'));
    expect(isRedisUnavailableError(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);

    server = await startRedisServer({ port });
    const deadline = Date.now() + 10_000;
    while (conn.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(conn.status).toBe('ready');
    expect(await conn.get('offline')).toBeNull();
  });
});
