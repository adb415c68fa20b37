import { Worker, type WorkerOptions } from 'node:worker_threads';
import { isTypeScript } from './is-type-script.js';

/**
 * A worker thread running `module`. A `.js` module starts as it is; a `.ts` one (sources run in
 * development and tests) starts from a bootstrap that first registers tsx's loader in the new thread,
 * because Node 20 does not carry a parent's `--import` loader hooks into worker threads. tsx is then
 * the caller's development dependency: built code never needs it.
 */
export function startThread(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!isTypeScript(module)) return new Worker(module, options);
  // The `import` export of tsx/esm/api: the ESM build, whose register() installs the module hooks.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
