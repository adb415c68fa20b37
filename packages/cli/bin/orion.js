#!/usr/bin/env node
// The `orion` command. Runs the built CLI when there is one (production); in a checkout without a
// build it runs the TypeScript sources through tsx, with the `orion-source` condition so that the
// workspace packages resolve to their sources too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=orion-source', '--import', 'tsx', main, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // Ctrl-C reaches both processes; the parent just waits for the child's verdict.
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
