/**
 * Deliveries in flight per receiver (host and port). A job that finds its receiver's slots taken
 * steps aside instead of waiting, so hung receivers hold at most `limit` of the worker's slots each.
 */
export class HostSlots {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly limit: number) {}

  tryAcquire(host: string): boolean {
    const n = this.inFlight.get(host) ?? 0;
    if (n >= this.limit) return false;
    this.inFlight.set(host, n + 1);
    return true;
  }

  release(host: string): void {
    const n = (this.inFlight.get(host) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(host);
    else this.inFlight.set(host, n);
  }
}
