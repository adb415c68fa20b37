import type { FastifyRequest } from 'fastify';
import { SearchImageQuery } from '@orion/shared/api';
import { HttpError, badRequest } from '../errors.js';

/** An image to search by is a crop or a photo, never a video: larger uploads are refused. */
export const MAX_SEARCH_IMAGE_BYTES = 10 * 1024 * 1024;

/**
 * Reads an image search (multipart/form-data): one `image` file, kept in memory (bounded by
 * MAX_SEARCH_IMAGE_BYTES), and an optional `query` field holding SearchImageQuery as JSON, checked
 * against its schema like a JSON body.
 */
export async function readImageSearch(
  req: FastifyRequest,
): Promise<{ image: Buffer; query: SearchImageQuery }> {
  let image: Buffer | undefined;
  let queryText: string | undefined;
  for await (const part of req.parts({ limits: { fileSize: MAX_SEARCH_IMAGE_BYTES } })) {
    if (part.type === 'file') {
      if (part.fieldname !== 'image' || image) {
        part.file.resume();
        throw badRequest(`multipart search: one file part named "image" expected, got "${part.fieldname}"`);
      }
      try {
        image = await part.toBuffer();
      } catch (err) {
        if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err;
        throw new HttpError(413, 'FILE_TOO_LARGE', `image is larger than ${MAX_SEARCH_IMAGE_BYTES} bytes`);
      }
    } else if (part.fieldname === 'query') {
      queryText = String(part.value);
    } else {
      throw badRequest(`multipart search: unknown field "${part.fieldname}" (fields: image, query)`);
    }
  }
  if (!image?.length) throw badRequest('image is required: a multipart search needs an "image" file part');
  let query: unknown = {};
  if (queryText !== undefined) {
    try {
      query = JSON.parse(queryText);
    } catch (err) {
      throw badRequest(`query is not JSON: ${(err as Error).message}`);
    }
  }
  const validate = req.compileValidationSchema(SearchImageQuery, 'body');
  if (!validate(query)) {
    const problems = (validate.errors ?? []).map((e) => {
      const path = `query${e.instancePath.replaceAll('/', '.')}`;
      return e.keyword === 'additionalProperties'
        ? `${path} has unknown field "${String(e.params.additionalProperty)}"`
        : `${path} ${e.message ?? 'is invalid'}`;
    });
    throw badRequest(problems.join('; '));
  }
  return { image, query: query as SearchImageQuery };
}
