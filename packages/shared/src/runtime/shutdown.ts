import type { Logger } from 'pino';

/**
 * Runs `cleanup` once on SIGTERM or SIGINT, then exits 0 (1 if cleanup threw). A second signal while
 * cleaning up exits at once: the orchestrator's grace period, not us, decides how long is too long.
 */
export function onShutdown(logger: Logger, cleanup: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without finishing cleanup');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    cleanup(signal).then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
