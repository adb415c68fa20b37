import { inject } from 'vitest';
import { modelPath, tempDirs as testDirs, workerTestEnv } from '@orion/testkit';

export { storeFor } from '@orion/testkit';

/** Temp folders of a test file, removed by `cleanup()`. */
export const tempDirs = () => testDirs('orion-detect-test-');

/** The shared models folder (../shared/models), found through testkit. */
export const modelsDir = () => modelPath();

/** Environment for processes and job threads (see workerTestEnv), on any free ops port. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  // Any free port: test files run side by side.
  return workerTestEnv({ redisUrl: inject('redisUrl'), s3: inject('s3') }, { OPS_PORT: '0', ...extra });
}
