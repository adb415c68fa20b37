import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** The process or component, e.g. `api` or `detect-worker`. */
  name: string;
  level?: LoggerOptions['level'];
  /** Human-readable output; defaults to on when stdout is a terminal, JSON lines otherwise. */
  pretty?: boolean;
  /** Where lines go (default stdout). */
  destination?: DestinationStream;
}

export function createLogger({
  name,
  level = 'info',
  pretty = process.stdout.isTTY === true && !process.env.CI,
  destination,
}: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

export interface JobLogContext {
  queue: string;
  jobId?: string;
  videoId: string;
  shardIndex?: number;
}

/** A child logger whose every line carries the job's queue, id, video and shard. */
export function jobLogger(logger: Logger, ctx: JobLogContext): Logger {
  return logger.child(ctx);
}
