/** Small deterministic generators for tests (a seeded LCG, Box–Muller normals). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
}

export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

/** `perBlob` points around each centre (standard deviation `spread`), as rows. */
export function blobs(centres: number[][], perBlob: number, spread: number, seed: number): number[][] {
  const random = seededRandom(seed);
  return centres.flatMap((centre) =>
    Array.from({ length: perBlob }, () => centre.map((c) => c + spread * normal(random))),
  );
}
