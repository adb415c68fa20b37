import type { FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';
import { checkCallbackUrlField, type CallbackUrlPolicy } from './callback-url-policy.js';
import type { SubmitOptions } from '@orion/shared/api';
import type { VideoIntake } from './video-intake.js';

export interface StagedUpload {
  videoId: string;
  key: string;
  filename: string;
}

const NUMBER_FIELDS = { targetFps: [0, 120], shardSeconds: [0, 3600] } as const;

/** Form fields → options, with the same rules (and messages naming the field) as the JSON body. */
function parseFields(fields: Map<string, string[]>): SubmitOptions {
  const options: SubmitOptions = {};
  for (const [name, values] of fields) {
    const value = values[values.length - 1]!;
    if (name === 'callbackUrl') {
      options.callbackUrl = value; // checked by the callback policy, as the JSON body's is
    } else if (name === 'tags') {
      const tags = values
        .flatMap((v) => v.split(','))
        .map((t) => t.trim())
        .filter(Boolean);
      if (tags.length > 32 || tags.some((t) => t.length > 64))
        throw badRequest('field tags: at most 32 tags of 64 characters');
      options.tags = tags;
    } else if (name === 'targetFps' || name === 'shardSeconds') {
      const n = Number(value);
      const [min, max] = NUMBER_FIELDS[name];
      if (value.trim() === '' || !Number.isFinite(n) || n <= min || n > max) {
        throw badRequest(
          `field ${name} must be a number > ${min} and ≤ ${max}, got ${JSON.stringify(value)}`,
        );
      }
      options[name] = n;
    } else {
      throw badRequest(
        `unknown field "${name}" (allowed: file parts, callbackUrl, tags, targetFps, shardSeconds)`,
      );
    }
  }
  return options;
}

/**
 * Reads a multipart request part by part, streaming each file into storage as it arrives (memory
 * stays flat whatever the size). If the request is refused as a whole — a file over the size limit,
 * a bad field — every file already stored for it is deleted before the error propagates.
 */
export async function receiveMultipart(
  req: FastifyRequest,
  intake: VideoIntake,
  callbackPolicy: CallbackUrlPolicy,
): Promise<{ uploads: StagedUpload[]; options: SubmitOptions }> {
  const uploads: StagedUpload[] = [];
  const fields = new Map<string, string[]>();
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const staged = await intake.stageUpload(part.file);
        uploads.push({ ...staged, filename: part.filename || `file-${uploads.length + 1}` });
        // @fastify/multipart marks a stream cut at the size limit; reading on raises the 413.
        if (part.file.truncated)
          throw Object.assign(new Error('file too large'), {
            code: 'FST_REQ_FILE_TOO_LARGE',
            statusCode: 413,
          });
      } else {
        const list = fields.get(part.fieldname) ?? [];
        list.push(String(part.value));
        fields.set(part.fieldname, list);
      }
    }
    if (uploads.length === 0) throw badRequest('the multipart request has no file part');
    const options = parseFields(fields);
    if (options.callbackUrl !== undefined) await checkCallbackUrlField(callbackPolicy, options.callbackUrl);
    return { uploads, options };
  } catch (err) {
    await intake.discard(uploads.map((u) => u.videoId));
    throw err;
  }
}
