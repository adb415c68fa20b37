import { localStackDir, readLocalStack } from '@orion/shared/local';

/**
 * Which API the CLI talks to: ORION_API_URL/ORION_API_KEY when either is set; else the local stack
 * `npm start` runs (its URL and admin key, read from its folder), said in one line through `notice`;
 * else the API's default address without a key.
 */
export function apiTarget(
  env: Record<string, string | undefined>,
  notice: (line: string) => void,
): { url: string; key: string | undefined } {
  if (env.ORION_API_URL || env.ORION_API_KEY) {
    return { url: env.ORION_API_URL ?? 'http://127.0.0.1:3000', key: env.ORION_API_KEY };
  }
  const dir = localStackDir(env);
  const local = readLocalStack(dir);
  if (!local) return { url: 'http://127.0.0.1:3000', key: undefined };
  notice(`orion: using the local stack at ${local.apiUrl} and its admin key (from ${dir})`);
  return { url: local.apiUrl, key: local.apiKey };
}
