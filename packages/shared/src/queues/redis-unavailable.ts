/*
 * How ioredis rejects a command when Redis cannot be reached (fail-fast connection: no offline queue,
 * a command timeout). They mean "try again later", not a bug: the API answers them with 503.
 */
const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable", // not connected and no offline queue
  'Connection is closed', // the connection ended (quit, or no more reconnects)
  'Command timed out', // commandTimeout passed without an answer
  'Command aborted due to connection close', // a pipeline cut by the disconnect
];

/** Whether `err` says Redis is unreachable right now (rather than a command being wrong). */
export function isRedisUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return UNAVAILABLE_MESSAGES.some((m) => err.message.startsWith(m));
}
