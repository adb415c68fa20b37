import { Command, InvalidArgumentError } from 'commander';
import { ApiClient, ApiError, ApiUnreachableError } from './api-client.js';
import { status } from './commands/status.js';
import { submit } from './commands/submit.js';

const number = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};

function client(): ApiClient {
  return new ApiClient(process.env.ORION_API_URL ?? 'http://127.0.0.1:3000', process.env.ORION_API_KEY);
}

const program = new Command('orion')
  .description(
    'Orion: turn videos into searchable, verified object entities.\nTalks to the API at ORION_API_URL with the key ORION_API_KEY.',
  )
  .showHelpAfterError();

program
  .command('submit')
  .description('upload videos (one progress bar per file) and print their ids')
  .argument('<files...>', 'video files')
  .option('--tags <tags>', 'comma-separated tags', (v) => v.split(',').filter(Boolean))
  .option('--fps <n>', 'frames per second to sample', number)
  .option('--shard-seconds <n>', 'seconds per shard', number)
  .option('--callback-url <url>', 'URL to POST the final status to')
  .option('--json', 'print JSON')
  .action(
    async (
      files: string[],
      o: { tags?: string[]; fps?: number; shardSeconds?: number; callbackUrl?: string; json?: boolean },
    ) => {
      const results = await submit(client(), files, {
        tags: o.tags,
        targetFps: o.fps,
        shardSeconds: o.shardSeconds,
        callbackUrl: o.callbackUrl,
        json: o.json,
      });
      if (results.some((r) => !r.id)) process.exitCode = 1;
    },
  );

program
  .command('status')
  .description('status of videos (all in progress when no id is given); --watch follows them to the end')
  .argument('[ids...]', 'video ids')
  .option('-w, --watch', 'follow with progress bars until every video has finished')
  .option('--interval <ms>', 'poll interval in milliseconds', number, 1000)
  .option('--json', 'print JSON')
  .action(async (ids: string[], o: { watch?: boolean; interval: number; json?: boolean }) => {
    const ok = await status(client(), ids, { watch: o.watch, json: o.json, intervalMs: o.interval });
    if (!ok) process.exitCode = 1;
  });

try {
  await program.parseAsync();
} catch (err) {
  // One line, no stack: the message says what to fix.
  const known = err instanceof ApiError || err instanceof ApiUnreachableError || err instanceof Error;
  process.stderr.write(`orion: ${known ? (err as Error).message : String(err)}\n`);
  process.exit(1);
}
