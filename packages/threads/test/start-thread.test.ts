import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { resolutionConditions, siblingModule, startThread } from '@orion/threads';

describe('startThread', () => {
  it('runs a TypeScript module in a new thread, its imports included', async () => {
    const thread = startThread(new URL('./fixtures/echo-thread.ts', import.meta.url), {
      workerData: 'thread',
    });
    const [message] = await once(thread, 'message');
    expect(message).toBe('hello thread');
    await thread.terminate();
  });
});

describe('siblingModule', () => {
  it('keeps the caller’s extension', () => {
    expect(siblingModule('file:///app/src/main.ts', './processor').href).toBe('file:///app/src/processor.ts');
    expect(siblingModule('file:///app/dist/main.js', './worker/entry').href).toBe(
      'file:///app/dist/worker/entry.js',
    );
  });
});

describe('resolutionConditions', () => {
  it('adds orion-source for a TypeScript module only', () => {
    expect(resolutionConditions(new URL('file:///a/b.ts'))).toContain('--conditions=orion-source');
    expect(resolutionConditions(new URL('file:///a/b.js'))).not.toContain('--conditions=orion-source');
  });
});
