import type { VideoRecord, VideoRepository } from '@orion/shared';
import { notFound } from '../errors.js';

/** The tenant's video, or 404: another tenant's id answers exactly like an unknown one. */
export async function ownVideo(videos: VideoRepository, id: string, tenantId: string): Promise<VideoRecord> {
  const record = await videos.getForTenant(id, tenantId);
  if (!record) throw notFound(`No video ${id}`);
  return record;
}
