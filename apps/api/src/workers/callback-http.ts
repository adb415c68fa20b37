import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CallbackTarget } from '../services/callback-url-policy.js';

/**
 * Resolves every name to the address the policy checked: no second DNS answer between check and
 * connect. (Node asks for `all` addresses when it races IPv4 and IPv6.)
 */
function pinnedLookup(target: CallbackTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

/**
 * POSTs `body` to the checked target and answers the HTTP status. Redirects are not followed (node's
 * client never does): a 3xx is a status like any other, and the headers go nowhere else.
 */
export function postToTarget(
  target: CallbackTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const { url } = target;
  const options: RequestOptions = {
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    lookup: pinnedLookup(target),
    signal: AbortSignal.timeout(timeoutMs),
    agent: false, // a fresh connection per delivery: no socket reused across checks
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(options, (res) => {
      res.resume(); // only the status matters; the body is drained and dropped
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}
