import type { FastifyReply, FastifyRequest } from 'fastify';
import { keyDigest, presentedKey } from '../../services/api-key.js';
import { UploadRefused, type UploadAdmission } from '../../services/upload-admission.js';

const isUpload = (req: FastifyRequest) =>
  req.method === 'POST' &&
  req.url.split('?')[0] === '/v1/videos' &&
  (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');

/**
 * onRequest hook (after authentication): a multipart submission takes an upload slot before a byte
 * of its body is read, so a refused one stores nothing; the slot is freed when the response is over
 * or the connection closes, whichever comes first.
 */
export function uploadLimits(admission: UploadAdmission) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!isUpload(req)) return;
    const key = presentedKey(req.headers.authorization) ?? req.principal.tenantId;
    try {
      const release = admission.enter(keyDigest(key));
      reply.raw.once('close', release);
    } catch (err) {
      // The body is never parsed: Node discards it after the answer, so the client (still sending)
      // reads the refusal instead of meeting a closed socket.
      if (err instanceof UploadRefused) reply.header('retry-after', String(err.retryAfterSeconds));
      throw err;
    }
  };
}
