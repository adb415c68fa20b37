import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SECOND_LOOK, SecondLook } from '@orion/detector';
import { createEmbeddingModel, labelCheckParams, type EmbeddingModel } from '@orion/embeddings';
import {
  FsObjectStore,
  readShardDetections,
  readShardEmbeddings,
  videoKeys,
  type EmbeddingObservation,
} from '@orion/shared';
import { modelPath } from '@orion/testkit';
import { embedShard } from '../src/embed-shard.js';
import { detectVideoShard, tempDirs } from './support.js';

// The label check in the embed stage (issue #18) on real crops: YOLOX-Nano's detections in the first
// seconds of TUD-Campus (people), cut by the detect stage's code, checked with the fitted model and
// NanoDet-m's second look at the flagged crops.

const dirs = tempDirs();
let store: FsObjectStore;
let model: EmbeddingModel;
let look: SecondLook;
const params = labelCheckParams();

beforeAll(async () => {
  store = new FsObjectStore(await dirs.make());
  await detectVideoShard(
    store,
    'campus',
    'TUD-Campus_640x480_25fps.mp4',
    { index: 0, count: 1, startSeconds: 0, endSeconds: 2 },
    5,
  );
  model = await createEmbeddingModel({
    backend: 'vision',
    modelsDir: modelPath(),
    executionProvider: 'cpu',
    intraOpThreads: 0,
  });
  look = await SecondLook.load({
    ...DEFAULT_SECOND_LOOK,
    modelsDir: modelPath(),
    executionProvider: 'cpu',
    intraOpThreads: 0,
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([model?.close(), look?.close()]);
  await dirs.cleanup();
});

const embed = (videoId: string) =>
  embedShard(
    { videoId, shardIndex: 0 },
    {
      model,
      store,
      multimodal: false,
      verifyThreshold: 0.3,
      labelCheck: { params, secondLook: look },
    },
  );

describe('label check in the embed stage (real crops)', () => {
  it('checks every person crop (the embedding model alone cannot), passing the clear ones', async () => {
    const result = await embed('campus');
    const { index } = await readShardEmbeddings(store, 'campus', 0);
    const people = index.observations.filter((o) => o.label === 'person');
    expect(people.length).toBeGreaterThan(20);
    expect(result.verification).toMatchObject({ verified: index.count, unverifiable: 0 });
    expect(index.verification?.threshold).toBe(params.flagBelow);
    expect(result.timings.labelCheckMs).toBeGreaterThan(0);
    const { detections } = await readShardDetections(store, 'campus', 0);
    const clear = people.filter((o) => detections[o.detection]!.score >= 0.7);
    expect(clear.length).toBeGreaterThan(10);
    for (const o of people) {
      const v = o.verification!;
      expect(v.status).toBe('verified');
      if (v.status !== 'verified') continue;
      expect(v.probability).toBeGreaterThan(0);
      expect(v.probability).toBeLessThan(1);
      expect(v.isMatch).toBe(v.probability >= params.flagBelow);
      expect(v.verdict).toEqual(v.isMatch ? 'correct' : expect.stringMatching(/^(wrong-class|no-object)$/));
    }
    const passed = clear.filter((o) => o.verification?.status === 'verified' && o.verification.isMatch);
    expect(passed.length / clear.length).toBeGreaterThan(0.9);
  });

  it('flags a person crop pasted under another label, suggesting person', async () => {
    // The same shard, with its clearest person detection relabelled "bottle" at a middling score.
    const from = videoKeys('campus').shard(0);
    const to = videoKeys('pasted').shard(0);
    for (const k of ['crops', 'cropsIndex'] as const) await store.put(to[k], await store.get(from[k]));
    const file = await readShardDetections(store, 'campus', 0);
    const bottle = file.labels.indexOf('bottle');
    const person = file.labels.indexOf('person');
    const target = file.detections.filter((d) => d.label === 'person').sort((a, b) => b.score - a.score)[0]!;
    const pasted = {
      ...file,
      detections: file.detections.map((d) =>
        d === target
          ? {
              ...d,
              class: bottle,
              label: 'bottle',
              score: 0.45,
              top5: [
                { class: bottle, p: 0.5 },
                { class: person, p: 0.3 },
              ],
            }
          : d,
      ),
    };
    await store.put(to.detections, JSON.stringify(pasted), { contentType: 'application/json' });

    await embed('pasted');
    const { index } = await readShardEmbeddings(store, 'pasted', 0);
    const o = index.observations.find((x) => x.detection === target.id) as EmbeddingObservation;
    console.log(`pasted "bottle" on a person: ${JSON.stringify(o.verification)}`);
    expect(o.label).toBe('bottle');
    expect(o.verification).toMatchObject({
      status: 'verified',
      isMatch: false,
      suggestedClass: 'person',
      verdict: 'wrong-class',
    });
    // The person detections left are still checked as before.
    const campus = await readShardEmbeddings(store, 'campus', 0);
    const others = index.observations.filter((x) => x.detection !== target.id && x.label === 'person');
    const before = new Map(campus.index.observations.map((x) => [x.detection, x.verification]));
    const same = others.filter((x) => {
      const a = x.verification;
      const b = before.get(x.detection);
      return a?.status === 'verified' && b?.status === 'verified' && a.isMatch === b.isMatch;
    });
    expect(same.length / others.length).toBeGreaterThan(0.9);
  });
});
