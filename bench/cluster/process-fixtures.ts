/**
 * Processes the ground-truth fixtures once (TUD-Campus at 25 and 4 fps, the one-by-one video at 4 and
 * 2 fps) on a local stack whose store is a kept folder, and prints the `bench:distances` arguments
 * for them, so that distance and tracker-setting sweeps replay the stored vectors without re-running
 * detection and embedding:
 *
 *   npx tsx --conditions=orion-source bench/cluster/process-fixtures.ts /tmp/orion-distances
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiClient } from '@orion/cli';
import { projectRoot } from '@orion/shared';
import { fixturePath, startOrionStack, startRedisServer } from '@orion/testkit';

const dir = resolve(process.argv[2] ?? '/tmp/orion-distances');
await mkdir(dir, { recursive: true });
const tudGt = fixturePath('mot', 'TUD-Campus', 'gt', 'gt.txt');
const visits = join(projectRoot(), 'test/fixtures/ground-truth/intel_one-by-one-person-detection.visits.csv');
const runs = [
  { file: fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4'), fps: 25, spec: `mot:${tudGt}` },
  { file: fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4'), fps: 4, spec: `mot:${tudGt}` },
  { file: fixturePath('videos', 'intel_one-by-one-person-detection.mp4'), fps: 4, spec: `visits:${visits}` },
  { file: fixturePath('videos', 'intel_one-by-one-person-detection.mp4'), fps: 2, spec: `visits:${visits}` },
];

const redis = await startRedisServer({});
const stack = await startOrionStack({ redisUrl: redis.url, storageUrl: `file://${join(dir, 'data')}` });
try {
  const client = new ApiClient(stack.apiUrl, stack.apiKey);
  const specs: string[] = [];
  for (const run of runs) {
    const res = await client.uploadVideo(run.file, { targetFps: run.fps }, () => {});
    const id = res.videos[0]?.id;
    if (!id) throw new Error(`${run.file} refused: ${res.videos[0]?.error?.message}`);
    // Bounded wait: 10 minutes per video at most.
    for (let k = 0; ; k++) {
      const s = await client.json<{ state: string; error?: { message: string } }>(`/v1/videos/${id}`);
      if (s.state === 'completed') break;
      if (s.state === 'failed' || s.state === 'canceled' || k > 1200)
        throw new Error(`${run.file} @${run.fps}: ${s.state} ${s.error?.message ?? ''}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    specs.push(`${run.spec}:${id}`);
    console.log(`${run.file} @${run.fps} fps → ${id}`);
  }
  console.log(`\nnpm run bench:distances -- --store ${join(dir, 'data')} ${specs.join(' ')}`);
} finally {
  await stack.stop(15_000);
  await redis.stop();
}
