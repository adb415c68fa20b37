import type { FastifyError, FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { InvalidKeyError } from '@orion/shared';
import { HttpError } from '../../errors.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/sources/0/key` in the body → `body.sources[0].key`. */
function fieldPath(context: string, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), context);
}

function describeValidation(context: string, errors: AjvError[]): string {
  return errors
    .map((e) => {
      const path = fieldPath(context, e.instancePath);
      if (e.keyword === 'additionalProperties')
        return `${path} has unknown field "${String(e.params.additionalProperty)}"`;
      if (e.keyword === 'required') return `${path}.${String(e.params.missingProperty)} is required`;
      return `${path} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}

function send(statusCode: number, code: string, message: string, requestId: string) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message, requestId };
}

/**
 * The one error handler: client errors say what was wrong (naming the field or file); server errors
 * are logged with the request and answered without details.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).send(send(err.statusCode, err.code, err.message, req.id));
    }
    if (err.validation) {
      const message = describeValidation(err.validationContext ?? 'request', err.validation as AjvError[]);
      return reply.status(400).send(send(400, 'VALIDATION_FAILED', message, req.id));
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      return reply
        .status(400)
        .send(send(400, 'MALFORMED_JSON', `Malformed JSON body: ${err.message}`, req.id));
    }
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') {
      return reply
        .status(413)
        .send(
          send(
            413,
            'FILE_TOO_LARGE',
            'An uploaded file is larger than the limit (MAX_UPLOAD_BYTES); nothing was kept',
            req.id,
          ),
        );
    }
    if (err instanceof InvalidKeyError) {
      return reply.status(400).send(send(400, 'INVALID_KEY', err.message, req.id));
    }
    const status = err.statusCode ?? 500;
    if (status < 500) {
      return reply.status(status).send(send(status, err.code ?? 'REQUEST_ERROR', err.message, req.id));
    }
    req.log.error({ err }, 'request failed');
    return reply.status(status).send(send(status, 'INTERNAL', 'Internal server error', req.id));
  });

  app.setNotFoundHandler((req, reply) => {
    void reply
      .status(404)
      .send(send(404, 'NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`, req.id));
  });
}
