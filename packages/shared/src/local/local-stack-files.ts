import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { projectRoot } from '../config/paths.js';

/**
 * The files through which `npm start` tells the `orion` CLI where the local stack runs: its admin key
 * (generated once, kept across restarts, readable by this user only) and the URL of the running API
 * (written on start, removed on a clean stop).
 */
export const LOCAL_KEY_FILE = 'admin-key';
export const LOCAL_STACK_FILE = 'stack.json';

/** What the running local stack wrote for its clients. */
export interface LocalStackInfo {
  /** Empty while it starts. */
  apiUrl: string;
  redisUrl: string;
  /** The `npm start` process. */
  pid: number;
}

/** `ORION_LOCAL_DIR`, else `.orion/local` in the checkout. */
export function localStackDir(env: Record<string, string | undefined> = process.env): string {
  return env.ORION_LOCAL_DIR ? resolve(env.ORION_LOCAL_DIR) : join(projectRoot(), '.orion', 'local');
}

/** The admin key of the local stack: the one kept in `dir`, or a new random one saved there (0600). */
export async function ensureLocalAdminKey(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, LOCAL_KEY_FILE);
  if (existsSync(file)) {
    const key = (await readFile(file, 'utf8')).trim();
    if (key.length >= 16) return key;
    throw new Error(`${file} holds no usable key (under 16 characters): remove it to get a new one`);
  }
  const key = `orion-local-${randomBytes(24).toString('base64url')}`;
  // wx: never overwrite a key another start wrote a moment ago.
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

export async function writeLocalStackInfo(dir: string, info: LocalStackInfo): Promise<void> {
  const file = join(dir, LOCAL_STACK_FILE);
  await writeFile(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function removeLocalStackInfo(dir: string): Promise<void> {
  await rm(join(dir, LOCAL_STACK_FILE), { force: true });
}

/**
 * The running local stack's API URL and key, or undefined when no stack wrote them (or the process
 * that did is gone). Synchronous: the CLI asks once before its first request.
 */
export function readLocalStack(dir: string): { apiUrl: string; apiKey: string } | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dir, LOCAL_STACK_FILE), 'utf8')) as LocalStackInfo;
    if (!isAlive(info.pid)) return undefined;
    const apiKey = readFileSync(join(dir, LOCAL_KEY_FILE), 'utf8').trim();
    return apiKey && info.apiUrl ? { apiUrl: info.apiUrl, apiKey } : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the `npm start` that runs (or is starting) from `dir`, if one does. */
export function runningLocalStackPid(dir: string): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(join(dir, LOCAL_STACK_FILE), 'utf8')) as LocalStackInfo;
    return isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, only not ours.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
