import type { IdentitiesFile, IdentityAppearance } from '@orion/shared';

/**
 * Per entity of one video, the appearances of its identity in the tenant's other videos (for the
 * report's "also seen in …"). Identities of an older run of the video are skipped: their entity ids
 * may name other objects now.
 */
export function alsoSeenIn(
  file: IdentitiesFile | null,
  videoId: string,
  runId?: string,
): Map<string, IdentityAppearance[]> {
  const out = new Map<string, IdentityAppearance[]>();
  for (const identity of file?.identities ?? []) {
    const others = identity.appearances.filter((a) => a.videoId !== videoId);
    if (others.length === 0) continue;
    for (const own of identity.appearances) {
      if (own.videoId !== videoId || (runId !== undefined && own.runId !== runId)) continue;
      out.set(own.entityId, others);
    }
  }
  return out;
}
