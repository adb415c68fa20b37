import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { App } from '../types.js';

const BASE_PATH = '/admin/queues';

/**
 * The bull-board dashboard, for admin keys (Bearer, or Basic with the key as password in a browser); the
 * admin context in app.ts checks the key, with a Basic challenge for browsers.
 */
export default async function queueBoardRoutes(app: App) {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BASE_PATH);
  createBullBoard({
    queues: Object.values(app.deps.queues.queues).map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter,
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BASE_PATH });
}
