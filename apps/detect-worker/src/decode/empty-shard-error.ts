import { UnrecoverableError } from 'bullmq';

/**
 * ffmpeg read the shard's time range without an error but gave no frame: the file is damaged or shorter
 * than its header says there. Decoding it again gives the same nothing, so the job fails at once
 * (BullMQ skips the retries) and with it the video, instead of each such shard retrying in turn.
 */
export class EmptyShardError extends UnrecoverableError {
  readonly code = 'ERR_EMPTY_SHARD';

  constructor(startSeconds: number, endSeconds: number) {
    super(
      `no frame could be decoded in [${startSeconds}s, ${endSeconds}s): the file is damaged or shorter than its header says there`,
    );
    this.name = 'EmptyShardError';
  }
}
