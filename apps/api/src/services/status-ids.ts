import { videoIdSchema } from '@orion/shared';
import { MAX_STATUS_IDS } from '@orion/shared/api';
import { badRequest } from '../errors.js';

/**
 * The ids of a bulk status request (`GET /v1/videos?ids=a,b,c`), in order and without repeats.
 * Checked here rather than by a schema pattern, so the message names the offending id.
 */
export function parseStatusIds(raw: string): string[] {
  const ids = [...new Set(raw.split(',').map((id) => id.trim()))];
  if (ids.length > MAX_STATUS_IDS) {
    throw badRequest(`ids names ${ids.length} videos; at most ${MAX_STATUS_IDS} per request`);
  }
  for (const id of ids) {
    if (!videoIdSchema.safeParse(id).success) {
      throw badRequest(`ids: ${JSON.stringify(id)} is not a video id (1–64 letters, digits, "_" or "-")`);
    }
  }
  return ids;
}
