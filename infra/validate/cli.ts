/**
 * Offline check of the deployment files: `npm run infra:validate`. Renders each kustomization, checks
 * every resource against the Kubernetes/KEDA schemas, and checks the compose file and Dockerfile.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@orion/shared';
import { InfraError, buildKustomization, checkCompose, checkEntrypoints, validateResource } from './index.js';

const root = projectRoot();
const infra = join(root, 'infra');
let failures = 0;
const attempt = (what: string, fn: () => string) => {
  try {
    console.log(`ok    ${what}: ${fn()}`);
  } catch (err) {
    failures++;
    console.log(`FAIL  ${what}: ${err instanceof InfraError ? err.message : String(err)}`);
  }
};
for (const dir of ['base', 'overlays/cpu', 'overlays/gpu']) {
  attempt(`k8s/${dir}`, () => {
    const resources = buildKustomization(join(infra, 'k8s', dir), root);
    resources.forEach(validateResource);
    return `${resources.length} resources valid`;
  });
}
attempt('compose', () => {
  const c = checkCompose(
    join(infra, 'compose', 'docker-compose.yml'),
    join(infra, 'compose', '.env.example'),
    root,
  );
  return `${Object.keys(c.services).length} services`;
});
attempt('Dockerfile', () => {
  const scripts = Object.fromEntries(
    ['api', 'detect-worker', 'embed-worker', 'cluster-worker'].map((app) => [
      app,
      (
        JSON.parse(readFileSync(join(root, 'apps', app, 'package.json'), 'utf8')) as {
          scripts: { start: string };
        }
      ).scripts.start,
    ]),
  );
  return `entry points of ${checkEntrypoints(join(infra, 'docker', 'Dockerfile'), root, scripts).join(', ')} match`;
});
process.exit(failures ? 1 : 0);
