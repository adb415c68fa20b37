import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseStorageUrl } from '@orion/shared';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.pipeline).toEqual({
      targetFps: 4,
      shardSeconds: 10,
      maxVideoSeconds: 14_400,
      maxShardsPerVideo: 1000,
    });
    expect(config.embedding).toMatchObject({
      model: 'vision',
      multimodal: false,
      clipModel: 'clip-vit-b32',
      batchSize: 16,
    });
    expect(config.executionProvider).toBe('auto');
    expect(config.onnxThreads).toEqual({ intraOp: 0, interOp: 1, allowSpinning: false, sharingProcesses: 2 });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.storage.driver).toBe('fs');
    // MIN_SAMPLES follows MIN_CLUSTER_SIZE unless given.
    expect(config.clustering.minSamples).toBe(config.clustering.minClusterSize);
  });

  it('parses numbers, booleans and enums from strings', () => {
    const config = loadConfig({
      TARGET_FPS: '2.5',
      SHARD_SECONDS: '30',
      MAX_VIDEO_SECONDS: '7200.5',
      MAX_SHARDS_PER_VIDEO: '200',
      USE_MULTIMODAL_EMBEDDINGS: 'yes',
      EMBEDDING_MODEL: 'clip',
      MIN_CLUSTER_SIZE: '8',
      MIN_SAMPLES: '3',
      CLUSTER_SELECTION_METHOD: 'leaf',
      S3_FORCE_PATH_STYLE: '1',
      EXECUTION_PROVIDER: '',
      ORT_ALLOW_SPINNING: 'true',
    });
    expect(config.onnxThreads.allowSpinning).toBe(true);
    expect(config.pipeline).toEqual({
      targetFps: 2.5,
      shardSeconds: 30,
      maxVideoSeconds: 7200.5,
      maxShardsPerVideo: 200,
    });
    expect(config.embedding).toMatchObject({ model: 'clip', multimodal: true });
    expect(config.clustering).toMatchObject({
      minClusterSize: 8,
      minSamples: 3,
      clusterSelectionMethod: 'leaf',
    });
    expect(config.s3.forcePathStyle).toBe(true);
    expect(config.executionProvider).toBe('auto'); // empty means unset
  });

  it('refuses TARGET_FPS=-1 naming the variable and the rule', () => {
    expect(() => loadConfig({ TARGET_FPS: '-1' })).toThrowError(ConfigError);
    expect(() => loadConfig({ TARGET_FPS: '-1' })).toThrowError(/TARGET_FPS="-1" must be greater than 0/);
    expect(() => loadConfig({ TARGET_FPS: 'fast' })).toThrowError(/TARGET_FPS="fast" must be a number/);
  });

  it('refuses bounds that are not bounds', () => {
    expect(() => loadConfig({ MAX_SHARDS_PER_VIDEO: '0' })).toThrowError(
      /MAX_SHARDS_PER_VIDEO="0" must be at least 1/,
    );
    expect(() => loadConfig({ MAX_SHARDS_PER_VIDEO: '2.5' })).toThrowError(/must be a whole number/);
    expect(() => loadConfig({ MAX_VIDEO_SECONDS: '0' })).toThrowError(
      /MAX_VIDEO_SECONDS="0" must be greater than 0/,
    );
  });

  it('refuses an unknown EMBEDDING_MODEL listing the allowed values', () => {
    expect(() => loadConfig({ EMBEDDING_MODEL: 'resnet' })).toThrowError(
      /EMBEDDING_MODEL="resnet" must be one of clip, vision/,
    );
  });

  it('reads the re-id settings: model or none, and its class list', () => {
    expect(loadConfig({}).embedding.reid).toEqual({ model: 'osnet_x0_25_msmt17', classes: ['person'] });
    expect(loadConfig({ REID_MODEL: 'none' }).embedding.reid).toBeNull();
    expect(loadConfig({ REID_CLASSES: ' person , bicycle,' }).embedding.reid?.classes).toEqual([
      'person',
      'bicycle',
    ]);
    expect(() => loadConfig({ REID_CLASSES: ' , ' })).toThrowError(
      /REID_CLASSES=" , " must name at least one detector label/,
    );
    expect(() => loadConfig({ REID_MODEL: '../osnet' })).toThrowError(
      /REID_MODEL="..\/osnet" must be a model name/,
    );
  });

  it("reads the label check's second detector: a model name or none", () => {
    expect(loadConfig({}).embedding.labelCheckSecondLook).toBe('nanodet_m');
    expect(loadConfig({ LABEL_CHECK_SECOND_LOOK: 'none' }).embedding.labelCheckSecondLook).toBeNull();
    expect(() => loadConfig({ LABEL_CHECK_SECOND_LOOK: 'Nano Det' })).toThrowError(
      /LABEL_CHECK_SECOND_LOOK="Nano Det" must be a model name/,
    );
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ TARGET_FPS: '0', USE_MULTIMODAL_EMBEDDINGS: 'maybe', STORAGE_URL: 'ftp://x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/TARGET_FPS/);
      expect(problems).toMatch(/USE_MULTIMODAL_EMBEDDINGS="maybe" must be one of true/);
      expect(problems).toMatch(/STORAGE_URL="ftp:\/\/x" must be file:\/\/<path> or s3:\/\//);
    }
  });

  it('requires S3 keys in pairs', () => {
    expect(() => loadConfig({ S3_ACCESS_KEY_ID: 'a' })).toThrowError(
      /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/,
    );
  });

  it('parses storage URLs', () => {
    expect(parseStorageUrl('s3://media/orion')).toEqual({ driver: 's3', bucket: 'media', prefix: 'orion/' });
    expect(parseStorageUrl('s3://media')).toEqual({ driver: 's3', bucket: 'media', prefix: '' });
    expect(parseStorageUrl('file:///var/lib/orion')).toEqual({ driver: 'fs', root: '/var/lib/orion' });
  });

  it('exits the process with a clear message on bad config (entry-point behaviour)', async () => {
    const { spawnSync } = await import('node:child_process');
    const res = spawnSync(
      process.execPath,
      [
        '--conditions=orion-source',
        '--import',
        'tsx',
        '-e',
        "import('@orion/shared').then(m => m.loadConfigOrExit())",
      ],
      { env: { ...process.env, TARGET_FPS: '-1' }, encoding: 'utf8' },
    );
    expect(res.status).toBe(78);
    expect(res.stderr).toMatch(/TARGET_FPS="-1" must be greater than 0/);
  });
});

describe('configuration reference', () => {
  it('docs/configuration.md is the page generated from the schema (run `npm run docs:config`)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { projectRoot, renderConfigReference, ENV_VARIABLES } = await import('@orion/shared');
    const page = await readFile(join(projectRoot(), 'docs', 'configuration.md'), 'utf8');
    expect(page).toBe(renderConfigReference());
    for (const name of ENV_VARIABLES) expect(page).toContain(`\`${name}\``);
  });
});
