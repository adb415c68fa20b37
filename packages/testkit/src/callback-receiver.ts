import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CallbackReceiver {
  /** `http://127.0.0.1:<port>/hook` (callbacks need CALLBACK_ALLOW_HTTP and 127.0.0.1 allowed). */
  url: string;
  /** Deliveries answered 2xx, in arrival order. */
  accepted: ReceivedCallback[];
  close(): Promise<void>;
}

/**
 * A callback receiver on loopback. `statusFor(n)` answers the n-th delivery (1-based; 204 by default),
 * so a test can play a receiver that is down at first.
 */
export async function startCallbackReceiver(
  statusFor: (nth: number) => number = () => 204,
): Promise<CallbackReceiver> {
  const accepted: ReceivedCallback[] = [];
  let received = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = statusFor(++received);
      if (status >= 200 && status < 300) accepted.push({ headers: req.headers, body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    accepted,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
