import { z } from 'zod';
import { ObjectNotFoundError } from '../storage/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { parseWithSchema } from './detections.js';

/**
 * A tenant's identities (`tenants/{tenant}/identities.json`): its entities grouped across videos by
 * the identities job (one object seen in several videos, or several times in one). Replaced whole by
 * each recompute; entities that joined no identity are not listed.
 */
export const IDENTITIES_FORMAT = 'orion.identities';
export const IDENTITIES_VERSION = 1;
/** IDENTITIES_MAX_POOL's default: entities of one label family the identities job clusters at most. */
export const DEFAULT_IDENTITIES_MAX_POOL = 20_000;

const TENANT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function identitiesKey(tenantId: string): string {
  if (!TENANT_ID.test(tenantId)) throw new RangeError(`invalid tenant id ${JSON.stringify(tenantId)}`);
  return `tenants/${tenantId}/identities.json`;
}

export const appearanceSchema = z
  .object({
    videoId: z.string(),
    runId: z.string(),
    entityId: z.string(),
    label: z.string(),
    firstSeen: z.number().min(0),
    lastSeen: z.number().min(0),
    /** HDBSCAN's membership probability of the entity in its identity (0 … 1). */
    probability: z.number().min(0).max(1),
  })
  .strict();

export const identitySchema = z
  .object({
    /** `i1`, `i2`, … in order of the first appearance's video and time; stable only within a recompute. */
    id: z.string(),
    label: z.string(),
    /** `reid` (re-id centroids) or `general` (embedding centroids). */
    vector: z.enum(['reid', 'general']),
    appearances: z.array(appearanceSchema).min(2),
  })
  .strict();

export const identitiesFileSchema = z
  .object({
    format: z.literal(IDENTITIES_FORMAT),
    version: z.literal(IDENTITIES_VERSION),
    tenantId: z.string(),
    /** When the entity index was read: videos indexed after it are not in this grouping. */
    computedAt: z.string(),
    /** The settings the grouping ran with. */
    params: z
      .object({
        minClusterSize: z.number().int().min(2),
        minSamples: z.number().int().min(1),
        clusterSelectionMethod: z.enum(['eom', 'leaf']),
      })
      .strict(),
    counts: z
      .object({
        entities: z.number().int().min(0),
        identities: z.number().int().min(0),
        acrossVideos: z.number().int().min(0),
        /** Entities not grouped because their pool was over IDENTITIES_MAX_POOL (absent before it existed). */
        leftOut: z.number().int().min(0).optional(),
      })
      .strict(),
    identities: z.array(identitySchema),
  })
  .strict();

export type IdentityAppearance = z.infer<typeof appearanceSchema>;
export type Identity = z.infer<typeof identitySchema>;
export type IdentitiesFile = z.infer<typeof identitiesFileSchema>;

/** The tenant's identities; null before the first recompute. */
export async function readIdentities(store: ObjectStore, tenantId: string): Promise<IdentitiesFile | null> {
  const key = identitiesKey(tenantId);
  try {
    return parseWithSchema(identitiesFileSchema, await store.get(key), key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
}

export async function writeIdentities(store: ObjectStore, file: IdentitiesFile): Promise<void> {
  await store.put(identitiesKey(file.tenantId), JSON.stringify(identitiesFileSchema.parse(file)), {
    contentType: 'application/json',
  });
}
