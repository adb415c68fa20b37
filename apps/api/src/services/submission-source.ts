import type { FastifyRequest } from 'fastify';
import type { SubmitSourcesBody } from '@orion/shared/api';
import { HttpError } from '../errors.js';
import type { SubmissionSource } from './video-submission.js';

/**
 * What a `POST /v1/videos` carries, by its content type: files (multipart) or keys (JSON). Fastify also
 * parses text/plain, whose body would reach the submission as a bare string: refused here with 415.
 */
export function submissionSource(req: FastifyRequest): SubmissionSource {
  if (req.isMultipart()) return { kind: 'multipart', request: req };
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return { kind: 'sources', body: req.body as SubmitSourcesBody };
  throw new HttpError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `POST /v1/videos takes multipart/form-data (files) or application/json (keys in the bucket), not ${type ?? 'a body without a content type'}`,
  );
}
