/**
 * Synthetic "entity embeddings" shaped like the reference fixtures' emb_* sets: unit vectors scattered
 * around `entities` random unit centres (skewed sizes), plus 10% points uniform on the sphere.
 * Seeded, so every run clusters the same data.
 */
export function generateEmbeddings(rows: number, cols: number, entities: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const unitInto = (target: Float32Array, offset: number) => {
    let norm = 0;
    for (let k = 0; k < cols; k++) norm += target[offset + k]! ** 2;
    const scale = 1 / Math.sqrt(norm);
    for (let k = 0; k < cols; k++) target[offset + k]! *= scale;
  };

  const centres = new Float32Array(entities * cols).map(normal);
  for (let e = 0; e < entities; e++) unitInto(centres, e * cols);
  // Skewed entity sizes: weight ∝ 1 / (rank + 1).
  const weights = Array.from({ length: entities }, (_, e) => 1 / (e + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let r = uniform() * total;
    for (let e = 0; e < entities; e++) if ((r -= weights[e]!) <= 0) return e;
    return entities - 1;
  };

  const data = new Float32Array(rows * cols);
  const jitter = 0.6 / Math.sqrt(cols); // ‖offset‖ ≈ 0.6, as the fixtures' r ~ U(.45, .75)
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    if (uniform() < 0.1) {
      for (let k = 0; k < cols; k++) data[base + k] = normal();
    } else {
      const centre = pick() * cols;
      for (let k = 0; k < cols; k++) data[base + k] = centres[centre + k]! + jitter * normal();
    }
    unitInto(data, base);
  }
  return data;
}
