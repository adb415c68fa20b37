import type { TestProject } from 'vitest/node';
import { startRedisServer, startS3Server, type RunningService } from '@orion/testkit';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    s3: {
      endpoint: string;
      bucket: string;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
    };
  }
}

/**
 * One real redis-server and one real s3rver for the whole run, each on a free port, stopped by pid
 * afterwards. Tests isolate themselves by queue prefix and key prefix.
 */
export default async function setup(project: TestProject) {
  const started: RunningService[] = [];
  try {
    const redis = await startRedisServer();
    started.push(redis);
    const s3 = await startS3Server();
    started.push(s3);
    project.provide('redisUrl', redis.url);
    project.provide('s3', {
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      region: s3.region,
      credentials: s3.credentials,
    });
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  return async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
}
