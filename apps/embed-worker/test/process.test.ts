import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  QueueName,
  createQueue,
  createRedisConnection,
  readShardEmbeddings,
  type EmbedJobResult,
} from '@orion/shared';
import { startAppProcess } from '@orion/testkit';
import { detectVideoShard, storeFor, testEnv } from './support.js';

// The embed-worker process as `npm run dev` starts it.

const startWorkerProcess = (env: Record<string, string>) => startAppProcess('embed-worker', env);

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

  it('refuses to start with a re-id model that is not one, naming it', async () => {
    const proc = startWorkerProcess(testEnv({ REID_MODEL: 'mobilenetv2' }));
    expect(await proc.exit).toBe(78);
    expect(proc.output()).toMatch(
      /Model "mobilenetv2" is a classification model; a reid model is needed here/,
    );
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
