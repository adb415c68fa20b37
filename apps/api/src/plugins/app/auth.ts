import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../../errors.js';
import type { Principal, TenantDirectory } from '../../services/tenant-directory.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** The API key from `Authorization: Bearer <key>`, or (for the browser dashboard) Basic with the key as password. */
function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return undefined;
}

/** onRequest hook: 401 unless the request carries a known key; sets `request.principal`. */
export function authenticate(tenants: TenantDirectory) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const key = presentedKey(req);
    if (!key) {
      void reply.header('www-authenticate', 'Bearer realm="orion"');
      throw unauthorized('Missing API key: send Authorization: Bearer <key>');
    }
    const principal = tenants.authenticate(key);
    if (!principal) throw unauthorized('Unknown API key');
    req.principal = principal;
  };
}

/** onRequest hook after `authenticate`: 403 for keys without the admin role. */
export async function requireAdmin(req: FastifyRequest): Promise<void> {
  if (!req.principal?.admin) throw forbidden('This endpoint needs an admin API key');
}
