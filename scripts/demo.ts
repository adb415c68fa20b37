/**
 * Orion end to end on one machine with embedded defaults: its own Redis on a free port, the
 * filesystem store, the API and the three workers as child processes (the production entry points),
 * a real sample video submitted through the REST API, live progress, a summary and the HTML report.
 * Everything it starts is stopped at the end, and on Ctrl-C.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ApiClient, status } from '@orion/cli';
import { PIPELINE_STAGES, projectRoot } from '@orion/shared';
import {
  fixturePath,
  startOrionStack,
  startRedisServer,
  type OrionStack,
  type RunningRedis,
} from '@orion/testkit';

const root = projectRoot();
const files = process.argv.slice(2).map((f) => resolve(f));
if (files.length === 0) files.push(fixturePath('videos', 'intel_bottle-detection.mp4'));
for (const f of files) {
  if (!existsSync(f)) {
    console.error(`demo: no such file: ${f}`);
    process.exit(1);
  }
}

let redis: RunningRedis | undefined;
let stack: OrionStack | undefined;
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stack?.stop(15_000);
    await redis?.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => {
  console.error('\ndemo: interrupted, stopping everything it started…');
  void stopAll(130);
});
process.on('SIGTERM', () => void stopAll(143));

const t0 = performance.now();
try {
  const runDir = join(root, '.orion', 'demo');
  await mkdir(runDir, { recursive: true });
  console.log('▶ starting redis-server, the API and the detect, embed and cluster workers…');
  // AOF as in production, kept beside the demo's store: a rerun finds its earlier videos again.
  const redisDir = join(runDir, 'redis');
  await mkdir(redisDir, { recursive: true });
  redis = await startRedisServer({ aofDir: redisDir });
  stack = await startOrionStack({
    redisUrl: redis.url,
    storageUrl: `file://${join(runDir, 'data')}`,
    onLine: (app, line) => {
      if (/"level":(40|50|60)/.test(line)) console.error(`  [${app}] ${line.slice(0, 300)}`);
    },
  });
  console.log(`  API at ${stack.apiUrl} (OpenAPI: ${stack.apiUrl}/docs), Redis at ${redis.url}`);

  const client = new ApiClient(stack.apiUrl, stack.apiKey);
  console.log(`▶ submitting ${files.map((f) => basename(f)).join(', ')}`);
  const ids: string[] = [];
  for (const file of files) {
    const res = await client.uploadVideo(file, { tags: ['demo'] }, () => {});
    const v = res.videos[0]!;
    if (!v.id) throw new Error(`${basename(file)} was refused: ${v.error?.message}`);
    console.log(`  ${basename(file)} → video ${v.id} (${v.shards} shards)`);
    ids.push(v.id);
  }
  console.log('▶ processing');
  await status(client, ids, { watch: true, intervalMs: 500 });

  for (const id of ids) {
    const s = await client.json<{
      state: string;
      filename?: string;
      counts: { frames: number; detections: number; entities: number | null };
      progress: Record<string, { wallMs: number | null; busyMs: number; executionProviders: string[] }>;
      error?: { message: string };
    }>(`/v1/videos/${id}`);
    console.log(`\n■ ${s.filename ?? id}: ${s.state}${s.error ? ` (${s.error.message})` : ''}`);
    if (s.state !== 'completed') continue;
    const entities = await client.json<{
      total: number;
      entities: { label: string; observationCount: number }[];
    }>(`/v1/videos/${id}/entities?limit=500`);
    const flagged = await client.json<{ total: number }>(
      `/v1/videos/${id}/observations?flagged=true&limit=1`,
    );
    const perLabel = new Map<string, number>();
    for (const e of entities.entities) perLabel.set(e.label, (perLabel.get(e.label) ?? 0) + 1);
    console.log(`  frames ${s.counts.frames}, detections ${s.counts.detections}, entities ${entities.total}`);
    console.log(
      `  entities per label: ${[...perLabel]
        .sort((a, b) => b[1] - a[1])
        .map(([l, n]) => `${l} ${n}`)
        .join(', ')}`,
    );
    console.log(`  flagged observations (likely misclassifications): ${flagged.total}`);
    for (const stage of PIPELINE_STAGES) {
      const p = s.progress[stage]!;
      console.log(
        `  ${stage.padEnd(8)} wall ${((p.wallMs ?? 0) / 1000).toFixed(1)} s, busy ${(p.busyMs / 1000).toFixed(1)} s, provider ${p.executionProviders.join(',') || '—'}`,
      );
    }
    const html = await fetch(`${stack.apiUrl}/v1/videos/${id}/report`, {
      headers: { authorization: `Bearer ${stack.apiKey}` },
    }).then((r) => r.text());
    const reportDir = join(root, '.orion', 'reports');
    await mkdir(reportDir, { recursive: true });
    const reportPath = join(
      reportDir,
      `${basename(s.filename ?? id).replace(/\.[^.]+$/, '')}-${id.slice(0, 8)}.html`,
    );
    await writeFile(reportPath, html);
    console.log(`  report: ${reportPath}`);
  }
  console.log(
    `\n✔ done in ${((performance.now() - t0) / 1000).toFixed(1)} s; stopping everything the demo started`,
  );
  await stopAll(0);
} catch (err) {
  console.error(`demo: ${(err as Error).message}`);
  await stopAll(1);
}
