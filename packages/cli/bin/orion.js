#!/usr/bin/env node
// The `orion` command. Runs the built CLI when there is one (production), else the TypeScript
// sources through tsx (a checkout), so `npx orion` works without a build step.
import { existsSync } from 'node:fs';

const built = new URL('../dist/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
}
