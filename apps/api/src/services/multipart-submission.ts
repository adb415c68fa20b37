import { finished } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';
import { filenameProblem } from './upload-filename.js';
import { checkCallbackUrlField, type CallbackUrlPolicy } from './callback-url-policy.js';
import { SubmitOptions } from '@orion/shared/api';
import type { VideoIntake } from './video-intake.js';

/** A file part: stored and waiting to be admitted, or refused by its name (its bytes were skipped). */
export type StagedUpload =
  { videoId: string; key: string; filename: string } | { filename?: undefined; refused: string };

/** A number field's bounds, read from the JSON body's schema so both forms of a request agree. */
function checkNumberField(name: 'targetFps' | 'shardSeconds', value: string): number {
  const { minimum, exclusiveMinimum, maximum } = SubmitOptions.properties[name] as unknown as {
    minimum?: number;
    exclusiveMinimum?: number;
    maximum: number;
  };
  const n = Number(value);
  const low = exclusiveMinimum !== undefined ? n > exclusiveMinimum : n >= minimum!;
  if (value.trim() === '' || !Number.isFinite(n) || !low || n > maximum) {
    const floor = exclusiveMinimum !== undefined ? `> ${exclusiveMinimum}` : `≥ ${minimum}`;
    throw badRequest(
      `field ${name} must be a number ${floor} and ≤ ${maximum}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

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
      options[name] = checkNumberField(name, value);
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
        const refused = part.filename ? filenameProblem(part.filename) : undefined;
        if (refused) {
          await finished(part.file.resume());
          uploads.push({ refused });
          continue;
        }
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
    await intake.discard(uploads.flatMap((u) => ('videoId' in u ? [u.videoId] : [])));
    throw err;
  }
}
