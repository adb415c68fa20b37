import { randomUUID } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  QueueName,
  createQueue,
  createRedisConnection,
  videoKeys,
  type DetectJobResult,
} from '@orion/shared';
import { fixturePath, modelPath, startAppProcess } from '@orion/testkit';
import { storeFor, tempDirs, testEnv } from './support.js';

// The detect-worker process as `npm run dev` starts it.

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const startWorkerProcess = (env: Record<string, string>) => startAppProcess('detect-worker', env);

/** The value of the Prometheus sample `name{…}` whose labels include `labels`. */
function metricValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('detect-worker process', () => {
  it('refuses to start without its model file, naming the file', async () => {
    const dir = await dirs.make();
    const proc = startWorkerProcess(testEnv({ ORION_MODELS_DIR: dir }));
    expect(await proc.exit).toBe(78);
    expect(proc.output()).toContain(
      `Model file missing: ${join(dir, 'yolox_nano.onnx')} (model "yolox_nano")`,
    );
  });

  it('refuses to start on a corrupt model file, naming the file', async () => {
    const dir = await dirs.make();
    const bytes = await readFile(modelPath('nanodet_m.onnx'));
    bytes[1000] = bytes[1000]! ^ 0x01;
    await writeFile(join(dir, 'nanodet_m.onnx'), bytes);
    await copyFile(modelPath('coco.names'), join(dir, 'coco.names'));
    const proc = startWorkerProcess(testEnv({ ORION_MODELS_DIR: dir, DETECTOR_MODEL: 'nanodet_m' }));
    expect(await proc.exit).toBe(78);
    expect(proc.output()).toMatch(
      new RegExp(
        `Model file corrupt: ${join(dir, 'nanodet_m.onnx')} \\(model "nanodet_m"\\): its sha256 is [0-9a-f]{64}`,
      ),
    );
  });

  it('on SIGTERM finishes the shard it is working on, then exits 0', async () => {
    const env = testEnv({ LOG_LEVEL: 'info', QUEUE_PREFIX: `test-${randomUUID()}` });
    const { store } = storeFor(env);
    const connection = createRedisConnection(inject('redisUrl'));
    const queue = createQueue(QueueName.detect, { connection, prefix: env.QUEUE_PREFIX! });
    try {
      const sourceKey = videoKeys('sigterm').source;
      await store.put(sourceKey, await readFile(fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4')));
      const proc = startWorkerProcess(env);
      await proc.waitFor(/detect-worker ready/);
      const opsPort = Number(/"opsPort":(\d+)/.exec(proc.output())![1]);
      const shard = { index: 0, count: 1, startSeconds: 0, endSeconds: 2.84 };

      // A first, short job (2 fps: 6 frames), then the ops endpoints report it.
      const short = await queue.add('detect', {
        videoId: 'sigterm',
        tenantId: 'acme',
        sourceKey,
        shard,
        targetFps: 2,
      });
      while ((await short.getState()) !== 'completed') await new Promise((r) => setTimeout(r, 50));
      expect((await fetch(`http://127.0.0.1:${opsPort}/health`)).status).toBe(200);
      // The job's summary reaches the metrics in the main thread's `completed` handler: poll briefly.
      const metric = async (name: string, labels: Record<string, string>) => {
        for (let i = 0; i < 40; i++) {
          const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
          const value = metricValue(text, name, labels);
          if (value !== undefined) return value;
          await new Promise((r) => setTimeout(r, 50));
        }
        return undefined;
      };
      expect(await metric('orion_items_processed_total', { queue: 'detect', kind: 'frames' })).toBe(6);
      expect(await metric('orion_inference_seconds_count', { model: 'yolox_nano' })).toBe(6);
      expect(await metric('orion_job_duration_seconds_count', { queue: 'detect', status: 'completed' })).toBe(
        1,
      );

      const job = await queue.add('detect', {
        videoId: 'sigterm',
        tenantId: 'acme',
        sourceKey,
        shard,
        targetFps: 25,
      });
      // Mid-shard: frames are being detected.
      for (;;) {
        const p = (await queue.getJob(job.id!))?.progress as { done?: number } | undefined;
        if (typeof p === 'object' && p.done !== undefined && p.done > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      proc.child.kill('SIGTERM');
      expect(await proc.exit).toBe(0);
      const done = (await queue.getJob(job.id!))!;
      expect(await done.getState()).toBe('completed');
      expect((done.returnvalue as DetectJobResult).frames).toBe(71);
      expect(proc.output()).toMatch(
        /"msg":"shutting down"[\s\S]*"msg":"job completed"[\s\S]*"msg":"stopped"/,
      );
      expect(await store.head(videoKeys('sigterm').shard(0).detections)).toBeDefined();
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
      await store.deletePrefix('videos/');
      await store.close();
    }
  });
});
