/**
 * Text embeddings by text, least recently used dropped first. Prompts such as "a photo of a bottle."
 * repeat for every crop of that class, so each is encoded once per process.
 */
export class TextCache {
  private readonly entries = new Map<string, Float32Array>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`cache capacity must be ≥ 1, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  has(text: string): boolean {
    return this.entries.has(text);
  }

  get(text: string): Float32Array | undefined {
    const value = this.entries.get(text);
    if (value) {
      // Re-inserting moves the entry to the most recent end of the Map's order.
      this.entries.delete(text);
      this.entries.set(text, value);
    }
    return value;
  }

  set(text: string, embedding: Float32Array): void {
    this.entries.delete(text);
    this.entries.set(text, embedding);
    while (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
