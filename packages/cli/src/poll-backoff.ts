/**
 * How long a watcher waits between polls: its base interval after something changed, doubling up to
 * `maxMs` while nothing does, so a long, quiet video costs a handful of requests a minute, not sixty.
 */
export class PollBackoff {
  private currentMs: number;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs = Math.max(baseMs, 30_000),
  ) {
    this.currentMs = baseMs;
  }

  /** The wait before the next poll, given whether the last poll saw a change. */
  next(changed: boolean): number {
    this.currentMs = changed ? this.baseMs : Math.min(this.currentMs * 2, this.maxMs);
    return this.currentMs;
  }

  wait(changed: boolean): Promise<void> {
    const ms = this.next(changed);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
