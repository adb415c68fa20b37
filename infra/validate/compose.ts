import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InfraError } from './infra-error.js';

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, unknown> | string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Keys of a `.env` file (comments and blank lines ignored). */
export function readEnvFile(file: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) vars.set(m[1]!, m[2]!);
  }
  return vars;
}

function environmentNames(env: ComposeService['environment']): string[] {
  if (!env) return [];
  return Array.isArray(env) ? env.map((e) => e.split('=')[0]!) : Object.keys(env);
}

/**
 * Parses the compose file (YAML anchors and merges resolved) and checks that every service it depends
 * on exists, every `${VAR}` it interpolates is defined in the example env file, and every named
 * volume is declared. Returns the parsed file for further checks.
 */
export function checkCompose(file: string, envExample: string, root: string): ComposeFile {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  const compose = parseYaml(text, { merge: true }) as ComposeFile;
  if (!compose?.services) throw new InfraError(rel, 'no services');
  const defined = readEnvFile(envExample);
  // `$$` escapes a literal dollar for the container's shell.
  for (const m of text.replaceAll('$$', '').matchAll(/\$\{([A-Za-z0-9_]+)(?:[:?-][^}]*)?\}/g)) {
    if (!defined.has(m[1]!))
      throw new InfraError(rel, `\${${m[1]}} is not defined in ${relative(root, envExample)}`);
  }
  for (const [name, service] of Object.entries(compose.services)) {
    const deps = Array.isArray(service.depends_on)
      ? service.depends_on
      : Object.keys(service.depends_on ?? {});
    for (const dep of deps) {
      if (!compose.services[dep])
        throw new InfraError(rel, `service ${name} depends on undefined service ${dep}`);
    }
    if (!service.image && !service.build)
      throw new InfraError(rel, `service ${name} has neither image nor build`);
  }
  return compose;
}

export function composeEnvironmentNames(service: ComposeService): string[] {
  return environmentNames(service.environment);
}
