import { spawn } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  QueueName,
  createQueue,
  createRedisConnection,
  projectRoot,
  readShardEmbeddings,
  type EmbedJobResult,
} from '@orion/shared';
import { join } from 'node:path';
import { detectVideoShard, storeFor, testEnv } from './support.js';

// The embed-worker process as `npm run dev` starts it.

function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=orion-source',
      '--import',
      'tsx',
      join(projectRoot(), 'apps', 'embed-worker', 'src', 'main.ts'),
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (child.exitCode !== null) throw new Error(`embed-worker exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`embed-worker never printed ${pattern}:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exit, waitFor, output: () => output };
}

const connection = createRedisConnection(inject('redisUrl'), 'embed-process-test');
afterAll(() => connection.quit());

describe('embed-worker process', () => {
  it('refuses multimodal embeddings with the vision model, naming both settings', async () => {
    const proc = startWorkerProcess(
      testEnv({ EMBEDDING_MODEL: 'vision', USE_MULTIMODAL_EMBEDDINGS: 'true' }),
    );
    expect(await proc.exit).toBe(78);
    expect(proc.output()).toMatch(/USE_MULTIMODAL_EMBEDDINGS=true needs EMBEDDING_MODEL=clip/);
  });

  it('refuses to start when the CLIP weights are absent, naming the file to download', async () => {
    const proc = startWorkerProcess(testEnv({ EMBEDDING_MODEL: 'clip' }));
    expect(await proc.exit).toBe(78);
    expect(proc.output()).toMatch(/Model file missing: .*clip-vit-b32-vision\.onnx/);
  });

  it('finishes the running job on SIGTERM, then exits 0', async () => {
    const env = testEnv({ LOG_LEVEL: 'info', QUEUE_PREFIX: `embed-sigterm-${Date.now()}` });
    const { store } = storeFor(env);
    const shard = { index: 0, count: 1, startSeconds: 10, endSeconds: 20 };
    await detectVideoShard(store, 'sigterm', 'intel_bottle-detection.mp4', shard, 4);
    const proc = startWorkerProcess(env);
    const queue = createQueue(QueueName.embed, { connection, prefix: env.QUEUE_PREFIX! });
    try {
      await proc.waitFor(/embed-worker ready/);
      const job = await queue.add('embed', { videoId: 'sigterm', tenantId: 'acme', shard });
      await proc.waitFor(/job started/);
      proc.child.kill('SIGTERM');
      expect(await proc.exit).toBe(0);
      const done = (await queue.getJob(job.id!))!;
      expect(await done.getState()).toBe('completed');
      const result = done.returnvalue as EmbedJobResult;
      expect(result.count).toBeGreaterThan(50);
      expect((await readShardEmbeddings(store, 'sigterm', 0)).index.count).toBe(result.count);
      // Shutdown began while the job ran, and the job still completed before the process stopped.
      const out = proc.output();
      expect(out.indexOf('shutting down')).toBeLessThan(out.indexOf('job completed'));
      expect(out).toMatch(/"msg":"stopped"/);
    } finally {
      proc.child.kill('SIGKILL');
      await queue.obliterate({ force: true });
      await queue.close();
      await store.deletePrefix('videos/');
      await store.close();
    }
  });
});
