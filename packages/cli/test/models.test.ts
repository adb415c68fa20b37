import { describe, expect, it } from 'vitest';
import { modelPath } from '@orion/testkit';
import { runOrion } from './support/run-orion.js';

// `orion models` against the real model files in ../shared/models.
const env = { ORION_MODELS_DIR: modelPath() };

describe('orion models', () => {
  it('list: every built-in model with the state of its files', async () => {
    const res = await runOrion(['models', 'list'], env);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain(`models directory: ${modelPath()}\n`);
    expect(res.stdout).toMatch(
      /^yolox_nano +detection +yolox_nano\.onnx: ok, coco\.names: ok {2}\(built-in\)$/m,
    );
    expect(res.stdout).toMatch(
      /^nanodet_m +detection +nanodet_m\.onnx: ok, coco\.names: ok {2}\(built-in\)$/m,
    );
    expect(res.stdout).toMatch(
      /^mobilenetv2 +classification +mobilenetv2-12-int8\.onnx: ok, imagenet\.names: ok {2}\(built-in\)$/m,
    );
    expect(res.stdout).toMatch(
      /^mobilenetv2_emb +classification +mobilenetv2-12-int8-emb\.onnx: ok, imagenet\.names: ok {2}\(built-in\)$/m,
    );
    expect(res.stdout).toMatch(/^osnet_x0_25_msmt17 reid +osnet_x0_25_msmt17\.onnx: ok {2}\(built-in\)$/m);
  });

  it('verify: checks the sha256 and reads the labels of each model named', async () => {
    const res = await runOrion(['models', 'verify', 'yolox_nano', 'mobilenetv2', 'osnet_x0_25_msmt17'], env);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toBe(
      `yolox_nano: ok, 80 labels, ${modelPath('yolox_nano.onnx')}\n` +
        `mobilenetv2: ok, 1000 labels, ${modelPath('mobilenetv2-12-int8.onnx')}\n` +
        `osnet_x0_25_msmt17: ok, 0 labels, ${modelPath('osnet_x0_25_msmt17.onnx')}\n`,
    );
  });

  it('verify: an unknown name exits 1 with one line naming it and the built-in models', async () => {
    const res = await runOrion(['models', 'verify', 'nope'], env);
    expect(res).toMatchObject({ code: 1, stdout: '' });
    expect(res.stderr).toBe(
      `orion: Unknown model "nope": there is no ${modelPath()}/nope.model.json and no built-in model of that name ` +
        '(built-in: yolox_nano, nanodet_m, mobilenetv2, mobilenetv2_emb, osnet_x0_25_msmt17)\n',
    );
  });
});
