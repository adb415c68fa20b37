import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { applyPatch, type Operation } from 'rfc6902';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { InfraError } from './infra-error.js';

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** A resource with the file it came from. */
export interface LocatedResource {
  file: string;
  resource: Resource;
}

type Model = new (data: never) => { validate(): void };
/** The kinds Orion deploys; anything else in the manifests is an error, not silently unchecked. */
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** Schema check of one resource against the Kubernetes (or KEDA) OpenAPI schema, offline. */
export function validateResource({ file, resource }: LocatedResource): void {
  const id = `${resource.apiVersion}/${resource.kind}`;
  const Model = MODELS[id];
  const name = `${resource.kind} ${resource.metadata?.name ?? '(unnamed)'}`;
  if (!Model) throw new InfraError(file, `${name}: unsupported kind ${id}`);
  try {
    new Model(resource as never).validate();
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    const detail = errors?.length
      ? errors
          .map(
            (e) =>
              `field ${e.instancePath.slice(1).replaceAll('/', '.') || '(root)'} ${e.message ?? 'is invalid'}`,
          )
          .join('; ')
      : (err as Error).message;
    throw new InfraError(file, `${name}: ${detail}`);
  }
}

export function readYamlResources(file: string, root: string): LocatedResource[] {
  const rel = relative(root, file);
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  return docs
    .map((doc) => {
      if (doc.errors.length) throw new InfraError(rel, `YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as Resource | null;
    })
    .filter((r): r is Resource => r !== null)
    .map((resource) => ({ file: rel, resource }));
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  labels?: { pairs: Record<string, string> }[];
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { target: { kind: string; name: string }; patch: string }[];
}

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'labels',
  'resources',
  'images',
  'patches',
]);

function* containersOf(resource: Resource): Generator<{ image?: string }> {
  const spec = (resource as { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }).spec;
  yield* spec?.template?.spec?.containers ?? [];
}

/**
 * Renders a kustomization the way `kustomize build` does for the features Orion's manifests use —
 * resources (files or other kustomizations), namespace, labels, image overrides and JSON 6902 patches —
 * so the result can be schema-checked offline. Any other kustomize feature is refused, not ignored.
 */
export function buildKustomization(dir: string, root: string): LocatedResource[] {
  const file = join(dir, 'kustomization.yaml');
  const rel = relative(root, file);
  const k = parseYaml(readFileSync(file, 'utf8')) as Kustomization;
  for (const key of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(key))
      throw new InfraError(rel, `kustomize field ${key} is not supported by the offline check`);
  }
  let out: LocatedResource[] = [];
  for (const entry of k.resources ?? []) {
    const path = join(dir, entry);
    out.push(...(entry.endsWith('.yaml') ? readYamlResources(path, root) : buildKustomization(path, root)));
  }
  for (const { target, patch } of k.patches ?? []) {
    const hit = out.find((r) => r.resource.kind === target.kind && r.resource.metadata.name === target.name);
    if (!hit)
      throw new InfraError(rel, `patch target ${target.kind} ${target.name} is not among the resources`);
    const ops = parseYaml(patch) as Operation[];
    const copy = structuredClone(hit.resource);
    const failed = applyPatch(copy, ops).find((e) => e !== null);
    if (failed) throw new InfraError(rel, `patch of ${target.kind} ${target.name}: ${failed.message}`);
    out = out.map((r) => (r === hit ? { file: `${rel} (patch of ${hit.file})`, resource: copy } : r));
  }
  for (const { resource } of out) {
    if (k.namespace && resource.kind !== 'Namespace') resource.metadata.namespace = k.namespace;
    for (const { pairs } of k.labels ?? [])
      resource.metadata.labels = { ...resource.metadata.labels, ...pairs };
    for (const container of containersOf(resource)) {
      const image = k.images?.find((i) => i.name === container.image);
      if (image) container.image = `${image.newName ?? image.name}${image.newTag ? `:${image.newTag}` : ''}`;
    }
  }
  return out;
}

/** Environment variable names a resource passes to its containers (env entries and ConfigMap keys). */
export function envNamesOf(resource: Resource): string[] {
  if (resource.kind === 'ConfigMap') return Object.keys((resource as { data?: object }).data ?? {});
  const names: string[] = [];
  for (const c of containersOf(resource) as Generator<{ env?: { name: string }[] }>)
    names.push(...(c.env ?? []).map((e) => e.name));
  return names;
}
