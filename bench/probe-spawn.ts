/**
 * Where an upload's main-thread time goes: 100 probes of a 1 s video run 1, 2, 4, 8 and 100 at a time
 * in this process (with the API's modules loaded, as in the API). Prints per concurrency how long each
 * `spawn` call blocked the event loop, the worst loop stall, this process's own CPU per probe, and
 * the wall time of all probes.
 *
 *   npm run bench:probe-spawn -- [N=100]
 */
import childProcess from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const N = Number(process.argv[2] ?? 100);
let spawnMs = 0;
let spawns = 0;
// Timed by wrapping the module's spawn before fluent-ffmpeg (imported below, never above) takes it.
const spawn = childProcess.spawn;
childProcess.spawn = ((...args: Parameters<typeof spawn>) => {
  const t = performance.now();
  const child = spawn(...args);
  spawnMs += performance.now() - t;
  spawns++;
  return child;
}) as typeof spawn;
const { probeMedia } = await import('@orion/shared');
const { makeTestVideo } = await import('@orion/testkit');
await import('../apps/api/src/app.js');

const dir = await mkdtemp(join(tmpdir(), 'orion-bench-probe-'));
try {
  const video = await makeTestVideo({ out: join(dir, 'one-second.mp4'), seconds: 1 });
  await probeMedia(video);
  console.log(`RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, ${N} probes per row`);
  for (const limit of [1, 2, 4, 8, N]) {
    spawnMs = 0;
    spawns = 0;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: limit }, async () => {
        while (next++ < N) await probeMedia(video);
      }),
    );
    const wall = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    loop.disable();
    console.log(
      `${String(limit).padStart(3)} at once: spawn blocks ${(spawnMs / spawns).toFixed(1)} ms, worst stall ${(loop.max / 1e6).toFixed(0)} ms, own CPU ${((used.user + used.system) / 1000 / N).toFixed(1)} ms/probe, ${wall.toFixed(1)} s in all`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
