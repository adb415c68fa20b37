import { Command, InvalidArgumentError } from 'commander';
import { ApiClient, ApiError, ApiUnreachableError } from './api-client.js';
import { evaluate, type EvaluateOptions } from './commands/evaluate.js';
import { registerFlags } from './commands/flags.js';
import { registerModels } from './commands/models.js';
import { entities, recluster, search, type SearchOptions } from './commands/results.js';
import { rebuildIndex } from './commands/index-admin.js';
import { identities, matches } from './commands/identities.js';
import { status } from './commands/status.js';
import { submit } from './commands/submit.js';
import { apiTarget } from './api-target.js';

const number = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};

const atLeastZero = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
};

const fraction = (value: string) => {
  const n = atLeastZero(value);
  if (n > 1) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
};

type SearchCliOptions = SearchOptions & { video?: string[]; tag?: string[] };

function client(): ApiClient {
  const { url, key } = apiTarget(process.env, (line) => process.stderr.write(`${line}\n`));
  return new ApiClient(url, key);
}

const program = new Command('orion')
  .description(
    'Orion: turn videos into searchable, verified object entities.\nTalks to the API at ORION_API_URL with the key ORION_API_KEY; when both are unset, to the local stack of `npm start` (found through ORION_LOCAL_DIR, default <checkout>/.orion/local).',
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

program
  .command('entities')
  .description("a video's entities as a table")
  .argument('<id>', 'video id')
  .option('--label <label>', 'only entities with this label')
  .option('--flagged', 'only entities with flagged observations')
  .option('--json', 'print JSON')
  .action((id: string, o: { label?: string; flagged?: boolean; json?: boolean }) =>
    entities(client(), id, o),
  );

program
  .command('search')
  .description(
    'rank entities of all your videos by a text, a label, similarity to an entity, or an image (scores 0–1)',
  )
  .argument('[text]', 'what to look for, e.g. "a red bottle"')
  .option('--label <label>', 'entities with this label')
  .option('--similar-to <video:entity>', 'entities similar to this one')
  .option('--image <file>', 'entities like this image (a crop or photo)')
  .option('--video <id...>', 'only in these videos')
  .option('--labels <label...>', 'only entities with one of these labels')
  .option('--tag <tag...>', 'only in videos with one of these tags')
  .option('--from <seconds>', 'only entities in view at this second or later', atLeastZero)
  .option('--to <seconds>', 'only entities in view at this second or earlier', atLeastZero)
  .option('--flagged', 'only entities with flagged observations')
  .option('--hide-false-positives', 'leave out likely false positives')
  .option('--min-score <score>', 'leave out hits scoring below this (0–1)', fraction)
  .option('--limit <n>', 'how many results', number, 20)
  .option('--offset <n>', 'results to skip (the next page)', atLeastZero)
  .option('--json', 'print JSON')
  .action((text: string | undefined, o: SearchCliOptions) =>
    search(client(), text, { ...o, videos: o.video, tags: o.tag }),
  );

program
  .command('matches')
  .description('entities of your other videos that look like this one (re-id vectors for people)')
  .argument('<video>', 'video id')
  .argument('<entity>', 'entity id, e.g. e01')
  .option('--limit <n>', 'how many matches', number, 10)
  .option('--min-score <s>', 'leave out matches scoring below it (0 … 1)', Number)
  .option('--json', 'print JSON')
  .action((video: string, entity: string, o: { limit: number; minScore?: number; json?: boolean }) =>
    matches(client(), video, entity, o),
  );

program
  .command('identities')
  .description('your entities grouped across videos: the same object in several videos')
  .option('--video <id>', 'only identities that appear in this video')
  .option('--across-videos', 'only identities seen in two or more videos')
  .option('--limit <n>', 'how many identities', number, 50)
  .option('--recompute', 'regroup now instead of listing')
  .option('--json', 'print JSON')
  .action(
    (o: { video?: string; acrossVideos?: boolean; limit: number; recompute?: boolean; json?: boolean }) =>
      identities(client(), o),
  );

program
  .command('index')
  .description("the tenants' entity index (admin key)")
  .command('rebuild')
  .description("rebuild a tenant's entity index from the stored results of its videos")
  .option('--tenant <id>', "the tenant (default: the key's own)")
  .option('--json', 'print JSON')
  .action((o: { tenant?: string; json?: boolean }) => rebuildIndex(client(), o));

program
  .command('recluster')
  .description('cluster a processed video again with other parameters (no detection or embedding rerun)')
  .argument('<id>', 'video id')
  .option('--eps <n>', 'cluster selection epsilon', (v) => Number(v))
  .option('--min-cluster-size <n>', 'HDBSCAN min cluster size', number)
  .option('--min-samples <n>', 'HDBSCAN min samples', number)
  .option('--method <eom|leaf>', 'cluster selection method')
  .option('--association <tracklets|observations>', 'association mode')
  .option('--wait', 'wait until the new run is current')
  .option('--json', 'print JSON')
  .action(
    (
      id: string,
      o: {
        eps?: number;
        minClusterSize?: number;
        minSamples?: number;
        method?: string;
        association?: string;
        wait?: boolean;
        json?: boolean;
      },
    ) =>
      recluster(
        client(),
        id,
        {
          clusterSelectionEpsilon: o.eps,
          minClusterSize: o.minClusterSize,
          minSamples: o.minSamples,
          clusterSelectionMethod: o.method,
          association: o.association,
        },
        { wait: o.wait, json: o.json },
      ),
  );

program
  .command('eval')
  .description(
    'score a video (a file, processed first, or a processed video id) against ground truth, per association mode',
  )
  .argument('<video>', 'video file or video id')
  .requiredOption('--gt <file>', 'ground truth file (see --gt-format)')
  .option(
    '--gt-format <format>',
    'mot: MOTChallenge gt.txt (frame,id,x,y,w,h,…: boxes per frame); visits: one line per visit, ' +
      '"start_seconds,end_seconds,identity[,class]" (class default person, # comments), for videos ' +
      'where at most one object of a class is in view at a time',
    'mot',
  )
  .option('--fps <n>', 'frames per second to sample, when submitting a file', number)
  .option('--json', 'print JSON')
  .option(
    '--export-mot <file>',
    "write the video's entities (its current association mode) as MOTChallenge results " +
      '(frame,id,x,y,w,h,conf,-1,-1,-1; frames 1-based as in gt.txt), e.g. for TrackEval',
  )
  .option(
    '--labels <labels>',
    'score (and export) only observations of these comma-separated detector classes, e.g. person ' +
      'for pedestrian ground truth (default: every class)',
    (v: string) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
  )
  .option(
    '--embedding <vectors>',
    "score with these vectors instead of the video's own: reid (re-id vectors for people, the vision " +
      'embedding for the rest), vision or multimodal; the video keeps its own afterwards',
  )
  .action(async (video: string, o: EvaluateOptions) => {
    await evaluate(client(), video, o);
  });

registerFlags(program, client);
registerModels(program);

try {
  await program.parseAsync();
} catch (err) {
  // One line, no stack: the message says what to fix.
  const known = err instanceof ApiError || err instanceof ApiUnreachableError || err instanceof Error;
  process.stderr.write(`orion: ${known ? (err as Error).message : String(err)}\n`);
  process.exit(1);
}
