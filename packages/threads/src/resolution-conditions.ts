import { isTypeScript } from './is-type-script.js';

/**
 * `execArgv` for a thread that should resolve imports as this process does: only the parent's
 * `--conditions` flags carry over (other flags of the parent may not be allowed in a thread), plus
 * `orion-source` for a TypeScript module, whose `@orion/*` imports must reach the sources too.
 */
export function resolutionConditions(module: URL): string[] {
  const execArgv: string[] = [];
  process.execArgv.forEach((arg, i) => {
    if (arg.startsWith('--conditions=')) execArgv.push(arg);
    else if ((arg === '--conditions' || arg === '-C') && process.execArgv[i + 1]) {
      execArgv.push(`--conditions=${process.execArgv[i + 1]}`);
    }
  });
  if (isTypeScript(module) && !execArgv.some((a) => a.includes('orion-source'))) {
    execArgv.push('--conditions=orion-source');
  }
  return execArgv;
}
