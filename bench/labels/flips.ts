import type { Sample } from './collect.js';
import type { CheckItem } from './methods.js';

/** mulberry32: a small seeded generator, so the same flips come back run after run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each correct detection once more under a random other label (the older, easier benchmark). */
export function injectedFlips(samples: readonly Sample[], labels: readonly string[], seed = 18): CheckItem[] {
  const next = seeded(seed);
  return samples
    .filter((s) => s.outcome === 'correct')
    .map((sample) => {
      const others = labels.filter((l) => l !== sample.label);
      return { sample, label: others[Math.floor(next() * others.length)]! };
    });
}
