import type { ReidEmbedder, ReidItem } from '@orion/embeddings';

/**
 * The re-id vectors of one shard, computed alongside the embedding batches: the rows (observation
 * indices) whose label is a re-id class wait until a full re-id batch of them has been reached, so
 * the re-id model runs full batches however its class is spread over the crops.
 */
export class ReidPass {
  /** Observation indices that get a re-id vector, ascending. */
  readonly rows: number[];
  readonly vectors: Float32Array[] = [];
  /** Time spent in the re-id model (decode, cut, resize, inference). */
  ms = 0;
  private next = 0;

  constructor(
    readonly embedder: ReidEmbedder,
    readonly classes: readonly string[],
    labels: readonly string[],
    private readonly itemOf: (row: number) => ReidItem,
  ) {
    const wanted = new Set(classes);
    this.rows = labels.flatMap((label, i) => (wanted.has(label) ? [i] : []));
  }

  /** The first observation index the pass still needs (its images must stay available). */
  get pendingFrom(): number {
    return this.rows[this.next] ?? Infinity;
  }

  /** Embeds the waiting rows below `upTo` in full batches; `flush` embeds the last, partial one too. */
  async advance(upTo: number, flush = false): Promise<void> {
    const started = performance.now();
    for (;;) {
      let end = this.next;
      while (end < this.rows.length && this.rows[end]! < upTo && end - this.next < this.embedder.batchSize)
        end++;
      const count = end - this.next;
      if (count === 0 || (count < this.embedder.batchSize && !flush)) break;
      this.vectors.push(...(await this.embedder.embed(this.rows.slice(this.next, end).map(this.itemOf))));
      this.next = end;
    }
    this.ms += performance.now() - started;
  }
}
