import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV_VARIABLES, projectRoot } from '@orion/shared';
import {
  InfraError,
  buildKustomization,
  checkCompose,
  checkEntrypoints,
  composeEnvironmentNames,
  envNamesOf,
  readDockerStages,
  validateResource,
  type LocatedResource,
} from '../infra/validate/index.js';

const root = projectRoot();
const infra = join(root, 'infra');
const APPS = ['api', 'detect-worker', 'embed-worker', 'cluster-worker'];
const known = new Set<string>(ENV_VARIABLES);
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const render = (dir: string) => buildKustomization(join(infra, 'k8s', dir), root);
const find = (rs: LocatedResource[], kind: string, name: string): unknown =>
  rs.find((r) => r.resource.kind === kind && r.resource.metadata.name === name)!.resource;

describe('Kubernetes manifests', () => {
  it.each(['base', 'overlays/cpu', 'overlays/gpu'])(
    '%s renders and validates against the Kubernetes and KEDA schemas',
    (dir) => {
      const resources = render(dir);
      expect(resources.length).toBe(14);
      for (const r of resources) validateResource(r);
      expect(
        resources.every((r) => r.resource.kind === 'Namespace' || r.resource.metadata.namespace === 'orion'),
      ).toBe(true);
    },
  );

  it('gives every process probes, resources and a grace period that lets a shard finish', () => {
    const resources = render('base');
    for (const app of APPS) {
      const dep = find(resources, 'Deployment', app) as {
        spec: {
          template: {
            spec: {
              terminationGracePeriodSeconds: number;
              containers: { livenessProbe: { httpGet: { path: string } }; resources: { requests: object } }[];
            };
          };
        };
      };
      const pod = dep.spec.template.spec;
      expect(pod.containers[0]!.livenessProbe.httpGet.path, app).toBe('/health');
      expect(pod.containers[0]!.resources.requests, app).toBeTruthy();
      expect(pod.terminationGracePeriodSeconds, app).toBeGreaterThanOrEqual(app === 'api' ? 30 : 600);
      expect(
        resources.some((r) => r.resource.kind === 'PodDisruptionBudget' && r.resource.metadata.name === app),
        app,
      ).toBe(true);
    }
    const api = find(resources, 'Deployment', 'api') as {
      spec: { template: { spec: { containers: { readinessProbe: { httpGet: { path: string } } }[] } } };
    };
    expect(api.spec.template.spec.containers[0]!.readinessProbe.httpGet.path).toBe('/ready');
  });

  it('scales the detect and embed workers on their BullMQ wait lists', () => {
    const resources = render('base');
    const config = find(resources, 'ConfigMap', 'orion-config') as { data: Record<string, string> };
    for (const queue of ['detect', 'embed']) {
      const so = find(resources, 'ScaledObject', `${queue}-worker`) as {
        spec: {
          scaleTargetRef: { name: string };
          minReplicaCount: number;
          maxReplicaCount: number;
          cooldownPeriod: number;
          triggers: { metadata: { listName: string } }[];
        };
      };
      expect(so.spec.scaleTargetRef.name).toBe(`${queue}-worker`);
      expect(so.spec.triggers[0]!.metadata.listName).toBe(`${config.data.QUEUE_PREFIX}:${queue}:wait`);
      expect(so.spec.maxReplicaCount).toBeGreaterThan(so.spec.minReplicaCount);
      expect(so.spec.cooldownPeriod).toBeGreaterThanOrEqual(60);
    }
  });

  it('puts the GPU workers on GPUs with the CUDA provider in the gpu overlay only', () => {
    const gpu = render('overlays/gpu');
    const cpu = render('overlays/cpu');
    for (const app of ['detect-worker', 'embed-worker']) {
      const c = (
        find(gpu, 'Deployment', app) as {
          spec: {
            template: {
              spec: {
                containers: {
                  image: string;
                  env: { name: string; value: string }[];
                  resources: { limits: Record<string, unknown> };
                }[];
              };
            };
          };
        }
      ).spec.template.spec.containers[0]!;
      expect(c.resources.limits['nvidia.com/gpu']).toBe(1);
      expect(c.env).toContainEqual({ name: 'EXECUTION_PROVIDER', value: 'cuda' });
      expect(c.image).toMatch(/-gpu$/);
      const plain = (
        find(cpu, 'Deployment', app) as {
          spec: { template: { spec: { containers: { resources: { limits: Record<string, unknown> } }[] } } };
        }
      ).spec.template.spec.containers[0]!;
      expect(plain.resources.limits['nvidia.com/gpu']).toBeUndefined();
    }
  });

  it('fails on a broken manifest, naming the file and the field', () => {
    const copy = mkdtempSync(join(tmpdir(), 'orion-k8s-'));
    temps.push(copy);
    cpSync(join(infra, 'k8s'), copy, { recursive: true });
    const file = join(copy, 'base', 'api.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('replicas: 2', 'replicas: two'));
    const resources = buildKustomization(join(copy, 'base'), copy);
    const check = () => resources.forEach(validateResource);
    expect(check).toThrowError(InfraError);
    expect(check).toThrowError('base/api.yaml: Deployment api: field spec.replicas must be integer');
  });

  it('passes only variables the configuration schema knows', () => {
    for (const dir of ['base', 'overlays/cpu', 'overlays/gpu']) {
      for (const r of render(dir)) {
        for (const name of envNamesOf(r.resource)) expect(known, `${r.file}: ${name}`).toContain(name);
      }
    }
  });
});

describe('docker-compose', () => {
  const compose = checkCompose(
    join(infra, 'compose', 'docker-compose.yml'),
    join(infra, 'compose', '.env.example'),
    root,
  );

  it('defines Redis with AOF and noeviction, MinIO with its bucket, the API and the three workers', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api', 'cluster-worker', 'detect-worker', 'embed-worker', 'minio', 'minio-init', 'redis'].sort(),
    );
    const redis = compose.services.redis as unknown as { command: string[] };
    expect(redis.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']),
    );
  });

  it('builds each Orion service from the Dockerfile with its own app and passes only known variables', () => {
    for (const app of APPS) {
      const service = compose.services[app]!;
      expect(service.build?.args?.APP).toBe(app);
      expect(service.build?.dockerfile).toBe('infra/docker/Dockerfile');
      for (const name of composeEnvironmentNames(service)) expect(known, `${app}: ${name}`).toContain(name);
    }
    for (const app of ['detect-worker', 'embed-worker']) {
      const deploy = (
        compose.services[app] as unknown as {
          deploy: {
            replicas: string;
            resources: { reservations: { devices: { capabilities: string[] }[] } };
          };
        }
      ).deploy;
      expect(deploy.replicas).toMatch(/\$\{/);
      expect(deploy.resources.reservations.devices[0]!.capabilities).toContain('gpu');
    }
  });

  it('refuses a variable missing from .env.example', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orion-compose-'));
    temps.push(dir);
    writeFileSync(
      join(dir, 'c.yml'),
      'services:\n  a:\n    image: x\n    environment:\n      LOG_LEVEL: ${NOT_DEFINED}\n',
    );
    writeFileSync(join(dir, '.env'), 'LOG_LEVEL=info\n');
    expect(() => checkCompose(join(dir, 'c.yml'), join(dir, '.env'), dir)).toThrowError(
      /\$\{NOT_DEFINED\} is not defined/,
    );
  });
});

describe('Dockerfile', () => {
  it("builds on a Node major that package.json's engines support (22 LTS)", () => {
    const dockerfile = readFileSync(join(infra, 'docker', 'Dockerfile'), 'utf8');
    const major = /^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)?.[1];
    const engines = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const supported = [...engines.matchAll(/\^(\d+)\./g)].map((m) => m[1]);
    expect(supported).toEqual(['20', '22']);
    expect(major).toBe('22');
  });

  const dockerfile = join(infra, 'docker', 'Dockerfile');

  it("starts each app exactly as its package's start script does", () => {
    const scripts = Object.fromEntries(
      APPS.map((app) => [
        app,
        (
          JSON.parse(readFileSync(join(root, 'apps', app, 'package.json'), 'utf8')) as {
            scripts: { start: string };
          }
        ).scripts.start,
      ]),
    );
    expect(checkEntrypoints(dockerfile, root, scripts).sort()).toEqual(['cpu', 'gpu']);
  });

  it('installs every workspace, runs as a non-root user and builds CPU and GPU targets', () => {
    const text = readFileSync(dockerfile, 'utf8');
    const workspaces = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces;
    for (const ws of workspaces) expect(text, ws).toContain(`COPY ${ws}/package.json ${ws}/`);
    const stages = readDockerStages(dockerfile, root).map((s) => s.name);
    expect(stages).toEqual(expect.arrayContaining(['deps', 'build', 'cpu', 'gpu']));
    expect(text).toMatch(/USER node/);
    expect(text).toMatch(/USER 1000:1000/);
    expect(text).toMatch(/--omit=dev/);
    expect(text).toMatch(/onnxruntime-node-install=cuda12/);
  });
});

describe('workspaces', () => {
  // `npm run build` builds the workspaces in the order package.json lists them (the Dockerfile's build
  // stage runs it), so a package must come after every workspace package it imports.
  it('are listed after the workspace packages they depend on', () => {
    const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
    const order: string[] = readJson('package.json').workspaces;
    const names = order.map((ws) => readJson(`${ws}/package.json`).name as string);
    order.forEach((ws, i) => {
      const pkg = readJson(`${ws}/package.json`);
      for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
        const at = names.indexOf(dep);
        if (at >= 0) expect(at, `${ws} needs ${dep} built first`).toBeLessThan(i);
      }
    });
  });
});
