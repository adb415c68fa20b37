/** Largest typed array V8 allocates (2³² − 1 elements); it bounds n at about 92,000 points. */
const MAX_TYPED_ARRAY_LENGTH = 2 ** 32 - 1;

const TILE_SHIFT = 5;
const TILE = 1 << TILE_SHIFT; // 32 × 32 float32 = one 4 KiB page per tile
const TILE_MASK = TILE - 1;
const TILE_AREA = TILE * TILE;

/** Position of column j inside a row of tiles: its tile, then its place in the tile's row. */
export function columnOffset(j: number): number {
  return ((j >> TILE_SHIFT) << (2 * TILE_SHIFT)) + (j & TILE_MASK);
}

/**
 * The strict upper triangle of a symmetric n × n distance matrix in float32, stored as the 32 × 32
 * tiles on and above the diagonal (about n²/2 values: half the square matrix, a quarter of a float64 one).
 *
 * Why tiles: Prim's algorithm reads, for each new tree point v, its row (v, j > v) and its column
 * (j < v, v). Packed row by row, a column read touches a different page for every j; with tiles, 32
 * consecutive j share one page at a fixed 128-byte stride the hardware prefetches, several times faster.
 *
 * Entry (i, j), i < j, is at `rowStart[i] + columnOffset(j)`.
 */
export class DistanceTriangle {
  readonly values: Float32Array;
  readonly rowStart: Float64Array;

  constructor(readonly n: number) {
    const tilesPerSide = Math.ceil(n / TILE);
    const tiles = (tilesPerSide * (tilesPerSide + 1)) / 2;
    if (tiles * TILE_AREA > MAX_TYPED_ARRAY_LENGTH) {
      throw new RangeError(
        `${n} points need about ${(n * (n - 1)) / 2} pairwise distances; at most ${MAX_TYPED_ARRAY_LENGTH} fit in one array`,
      );
    }
    this.values = new Float32Array(tiles * TILE_AREA);
    this.rowStart = new Float64Array(n);
    // Tile (I, J ≥ I) is number firstTile[I] + (J − I): tile rows are stored one after the other.
    let firstTile = 0;
    for (let tileRow = 0; tileRow < tilesPerSide; tileRow++) {
      const rowTileBase = (firstTile - tileRow) * TILE_AREA; // + columnOffset(j) lands in tile J
      for (let i = tileRow * TILE; i < Math.min(n, (tileRow + 1) * TILE); i++) {
        this.rowStart[i] = rowTileBase + (i & TILE_MASK) * TILE;
      }
      firstTile += tilesPerSide - tileRow;
    }
  }

  index(i: number, j: number): number {
    return i < j ? this.rowStart[i]! + columnOffset(j) : this.rowStart[j]! + columnOffset(i);
  }

  get(i: number, j: number): number {
    return i === j ? 0 : this.values[this.index(i, j)]!;
  }
}
