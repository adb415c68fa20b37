import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, forbidden, unauthorized } from '../../errors.js';
import { presentedKey } from '../../services/api-key.js';
import type { AuthFailureThrottle } from '../../services/auth-failures.js';
import type { Principal, TenantDirectory } from '../../services/tenant-directory.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** The dashboard under /admin is opened in a browser, which asks for a password only on a Basic challenge. */
const challengeFor = (req: FastifyRequest) =>
  req.url.startsWith('/admin') ? 'Basic realm="orion", charset="UTF-8"' : 'Bearer realm="orion"';

/**
 * onRequest hook: 401 unless the request carries a known key; sets `request.principal`. An address with
 * too many failed attempts in the last minute gets 429 before its key is even looked at.
 */
export function authenticate(tenants: TenantDirectory, failures: AuthFailureThrottle) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const wait = await failures.retryAfter(req.ip);
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      throw new HttpError(
        429,
        'TOO_MANY_AUTH_FAILURES',
        `Too many failed authentications from this address; try again in ${wait} s`,
      );
    }
    const key = presentedKey(req.headers.authorization);
    const principal = key ? tenants.authenticate(key) : undefined;
    if (!principal) {
      await failures.record(req.ip);
      void reply.header('www-authenticate', challengeFor(req));
      throw unauthorized(key ? 'Unknown API key' : 'Missing API key: send Authorization: Bearer <key>');
    }
    req.principal = principal;
  };
}

/** onRequest hook after `authenticate`: 403 for keys without the admin role. */
export async function requireAdmin(req: FastifyRequest): Promise<void> {
  if (!req.principal?.admin) throw forbidden('This endpoint needs an admin API key');
}
