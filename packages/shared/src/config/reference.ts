import { z } from 'zod';
import { envSchema } from './env-schema.js';

interface JsonSchemaProp {
  description?: string;
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

function allowed(p: JsonSchemaProp): string {
  if (p.enum) return p.enum.map((v) => `\`${v}\``).join(', ');
  if (p.type === 'boolean') return '`true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`)';
  if (p.type === 'number' || p.type === 'integer') {
    const parts = [p.type === 'integer' ? 'integer' : 'number'];
    if (p.exclusiveMinimum !== undefined) parts.push(`> ${p.exclusiveMinimum}`);
    if (p.minimum !== undefined) parts.push(`≥ ${p.minimum}`);
    if (p.maximum !== undefined && p.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${p.maximum}`);
    return parts.join(', ');
  }
  return 'string';
}

/** The configuration reference page (docs/configuration.md), rendered from the schema itself. */
export function renderConfigReference(): string {
  const json = z.toJSONSchema(envSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, JsonSchemaProp>;
  };
  const defaults = envSchema.parse({}) as Record<string, unknown>;
  const rows = Object.entries(json.properties).map(([name, p]) => {
    const d = defaults[name];
    const def = d === undefined ? '—' : `\`${String(d)}\``;
    return `| \`${name}\` | ${def} | ${allowed(p)} | ${p.description ?? ''} |`;
  });
  return [
    '# Configuration',
    '',
    'Every Orion process (API and workers) reads the same environment variables, validated at start:',
    'a bad value stops the process with a message naming the variable and what is allowed (exit code 78).',
    'An empty value counts as unset.',
    '',
    '<!-- Generated from packages/shared/src/config/env-schema.ts by `npm run docs:config`; a test keeps it in sync. -->',
    '',
    '| Variable | Default | Allowed | Meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
