import { describe, expect, it } from 'vitest';
import type { StageProgress, VideoStatus } from '@orion/shared/api';
import { describeStatus } from '../src/commands/status.js';

const stage: StageProgress = {
  state: 'done',
  completed: 1,
  total: 1,
  busyMs: 5,
  wallMs: 5,
  executionProviders: ['cpu'],
  stalls: 0,
};
const status: VideoStatus = {
  id: 'v1',
  state: 'completed',
  stage: 'done',
  percent: 100,
  filename: 'cut.mp4',
  tags: [],
  createdAt: '2026-11-27T10:00:00.000Z',
  updatedAt: '2026-11-27T10:01:00.000Z',
  video: { durationSeconds: 4, width: 160, height: 120, fps: 10, codec: 'h264' },
  plan: { shardSeconds: 10, targetFps: 5, shardCount: 1 },
  progress: { detect: stage, embed: stage, cluster: stage },
  counts: { frames: 10, expectedFrames: 20, detections: 3, entities: 1 },
  runId: 'r1',
  association: 'tracklets',
  embedding: 'reid',
};

describe('orion status', () => {
  it('prints each warning of the status on its own line', () => {
    const warned = describeStatus({
      ...status,
      warnings: [
        { code: 'FRAMES_MISSING', message: 'decoded 10 of the 20 frames planned at 5 fps (50 % missing)' },
      ],
    });
    expect(warned).toContain(
      '\n  warning FRAMES_MISSING: decoded 10 of the 20 frames planned at 5 fps (50 % missing)\n',
    );
    expect(describeStatus(status)).not.toContain('warning');
  });
});
