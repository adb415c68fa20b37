import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { InvalidKeyError, isRedisUnavailableError } from '@orion/shared';
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

/** Seconds a client is asked to wait after Redis was unreachable: a restart or failover takes a few. */
export const REDIS_RETRY_AFTER_SECONDS = 5;

export interface ErrorAnswer {
  statusCode: number;
  body: ReturnType<typeof send>;
  headers?: Record<string, string>;
}

/** The documented error answer for any error a request met: its status, body and extra headers. */
export function errorResponse(err: FastifyError, req: FastifyRequest): ErrorAnswer {
  const answer = (statusCode: number, code: string, message: string) => ({
    statusCode,
    body: send(statusCode, code, message, req.id),
  });
  if (err instanceof HttpError) return answer(err.statusCode, err.code, err.message);
  // Redis unreachable (the request connection fails fast): nothing was admitted, try again shortly.
  if (isRedisUnavailableError(err)) {
    req.log.warn({ err: err.message }, 'Redis unavailable');
    return {
      ...answer(
        503,
        'REDIS_UNAVAILABLE',
        `The queue store (Redis) is unreachable; try again in ${REDIS_RETRY_AFTER_SECONDS} s`,
      ),
      headers: { 'retry-after': String(REDIS_RETRY_AFTER_SECONDS) },
    };
  }
  if (err.validation) {
    const message = describeValidation(err.validationContext ?? 'request', err.validation as AjvError[]);
    return answer(400, 'VALIDATION_FAILED', message);
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError)
    return answer(400, 'MALFORMED_JSON', `Malformed JSON body: ${err.message}`);
  if (err.code === 'FST_REQ_FILE_TOO_LARGE')
    return answer(
      413,
      'FILE_TOO_LARGE',
      'An uploaded file is larger than the limit (MAX_UPLOAD_BYTES); nothing was kept',
    );
  if (err instanceof InvalidKeyError) return answer(400, 'INVALID_KEY', err.message);
  const status = err.statusCode ?? 500;
  if (status < 500) return answer(status, err.code ?? 'REQUEST_ERROR', err.message);
  req.log.error({ err }, 'request failed');
  return answer(status, 'INTERNAL', 'Internal server error');
}

/**
 * An onRequest hook whose errors are answered here, in the documented shape, rather than by the error
 * handler of the routes it guards (plugins such as bull-board bring their own).
 */
export function answeringErrors(hook: (req: FastifyRequest, reply: FastifyReply) => Promise<void>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      await hook(req, reply);
    } catch (err) {
      const { statusCode, body, headers } = errorResponse(err as FastifyError, req);
      return reply
        .status(statusCode)
        .headers(headers ?? {})
        .send(body);
    }
  };
}

/**
 * The one error handler: client errors say what was wrong (naming the field or file); server errors
 * are logged with the request and answered without details.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { statusCode, body, headers } = errorResponse(err, req);
    return reply
      .status(statusCode)
      .headers(headers ?? {})
      .send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    void reply
      .status(404)
      .send(send(404, 'NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`, req.id));
  });
}
