import { describe, expect, it } from 'vitest';
import { loadConfig, type Box } from '@orion/shared';
import { detectorOptions } from '../src/settings.js';
import {
  cropImage,
  isCutByTile,
  mergeTileDetections,
  type SourcedDetection,
  TILE_OVERLAP,
  tileGrid,
  tilesFor,
  type TileRegion,
  detectTiled,
} from '@orion/detector';

interface D {
  box: Box;
  classId: number;
  score: number;
  tag?: string;
}
const det = (box: Box, score = 0.9, classId = 0, tag?: string): D => ({ box, classId, score, tag });
const INPUT = { width: 416, height: 416 };

describe('tile layout', () => {
  it('covers a 640×480 frame with four tiles that overlap by 20 % of a tile', () => {
    const tiles = tileGrid(640, 480);
    expect(tiles).toEqual([
      { x: 0, y: 0, width: 356, height: 267 },
      { x: 284, y: 0, width: 356, height: 267 },
      { x: 0, y: 213, width: 356, height: 267 },
      { x: 284, y: 213, width: 356, height: 267 },
    ]);
    // The shared band is the overlap fraction of a tile (rounded to whole pixels).
    expect(Math.abs(356 - 284 - TILE_OVERLAP * 356)).toBeLessThan(1.5);
    expect(Math.abs(267 - 213 - TILE_OVERLAP * 267)).toBeLessThan(1.5);
    for (const t of tiles) {
      expect(t.x + t.width).toBeLessThanOrEqual(640);
      expect(t.y + t.height).toBeLessThanOrEqual(480);
    }
  });

  it('off never tiles, 2x2 always, auto only frames at least twice the model input', () => {
    expect(tilesFor('off', 1920, 1080, INPUT)).toEqual([]);
    expect(tilesFor('2x2', 320, 240, INPUT)).toHaveLength(4);
    expect(tilesFor('auto', 320, 240, INPUT)).toEqual([]);
    expect(tilesFor('auto', 768, 432, INPUT)).toEqual([]);
    expect(tilesFor('auto', 832, 480, INPUT)).toHaveLength(4);
    expect(tilesFor('auto', 1280, 720, INPUT)).toEqual(tileGrid(1280, 720));
  });

  it('cuts a tile out of a frame pixel for pixel, and refuses one outside it', () => {
    const data = Buffer.alloc(5 * 4 * 3);
    for (let i = 0; i < data.length; i++) data[i] = i;
    const tile = cropImage({ data, width: 5, height: 4 }, { x: 2, y: 1, width: 3, height: 2 });
    expect(tile.width).toBe(3);
    expect([...tile.data]).toEqual([
      ...data.subarray((1 * 5 + 2) * 3, (1 * 5 + 5) * 3),
      ...data.subarray((2 * 5 + 2) * 3, (2 * 5 + 5) * 3),
    ]);
    expect(() => cropImage({ data, width: 5, height: 4 }, { x: 3, y: 0, width: 3, height: 2 })).toThrow(
      /does not fit the 5×4 frame/,
    );
  });
});

describe('merging tile detections', () => {
  const [topLeft, topRight, bottomLeft] = tileGrid(640, 480) as [TileRegion, TileRegion, TileRegion];

  it('knows a box cut by an inner tile edge from one at the frame edge', () => {
    // topLeft spans x 0–356: its right edge is inner, its left edge is the frame's.
    expect(isCutByTile([300, 50, 356, 200], topLeft, 640, 480)).toBe(true);
    expect(isCutByTile([0, 50, 60, 200], topLeft, 640, 480)).toBe(false);
    expect(isCutByTile([100, 50, 200, 200], topLeft, 640, 480)).toBe(false);
    expect(isCutByTile([100, 200, 200, 267], topLeft, 640, 480)).toBe(true);
  });

  it('joins the two halves of a box across a tile edge into one, not two', () => {
    // A person from x 250 to 390 crosses both vertical tile edges (284 and 356); the full frame missed them.
    const found: SourcedDetection<D>[] = [
      { detection: det([250, 40, 356, 220], 0.6), tile: topLeft },
      { detection: det([284, 42, 390, 218], 0.7), tile: topRight },
    ];
    const merged = mergeTileDetections(found, 640, 480, 0.45);
    expect(merged).toEqual([{ box: [250, 40, 390, 220], classId: 0, score: 0.7, tag: undefined }]);
  });

  it('drops a cut box that a larger box of its class covers, keeping the whole one', () => {
    const whole = det([300, 40, 400, 250], 0.5, 0, 'frame');
    const merged = mergeTileDetections(
      [{ detection: whole }, { detection: det([300, 40, 356, 250], 0.9, 0, 'cut'), tile: topLeft }],
      640,
      480,
      0.45,
    );
    expect(merged.map((d) => d.tag)).toEqual(['frame']);
  });

  it('drops a part of a person that a tile sees inside a full-frame box, but never a full-frame box', () => {
    const body = det([100, 40, 200, 260], 0.8, 0, 'body');
    const head = det([130, 40, 170, 90], 0.6, 0, 'head');
    expect(
      mergeTileDetections([{ detection: body }, { detection: head, tile: topLeft }], 640, 480, 0.45).map(
        (d) => d.tag,
      ),
    ).toEqual(['body']);
    // The same small box found in the full frame stays (a person standing in front of another).
    expect(
      mergeTileDetections([{ detection: body }, { detection: head }], 640, 480, 0.45).map((d) => d.tag),
    ).toEqual(['body', 'head']);
  });

  it('keeps the best of duplicate boxes, and never merges boxes of different classes', () => {
    const merged = mergeTileDetections(
      [
        { detection: det([100, 100, 200, 300], 0.7, 0, 'frame') },
        { detection: det([98, 98, 202, 305], 0.8, 0, 'tile'), tile: topLeft },
        { detection: det([102, 98, 198, 305], 0.5, 24, 'bag'), tile: bottomLeft },
        { detection: det([500, 300, 540, 400], 0.4, 0, 'only-in-tile'), tile: bottomLeft },
      ],
      640,
      480,
      0.45,
    );
    expect(merged.map((d) => d.tag)).toEqual(['tile', 'bag', 'only-in-tile']);
  });
});

describe('tiled detection', () => {
  it('sends each frame and its tiles through one run and maps tile boxes to frame pixels', async () => {
    const frame = { data: Buffer.alloc(640 * 480 * 3), width: 640, height: 480 };
    const small = { data: Buffer.alloc(32 * 32 * 3), width: 32, height: 32 };
    const calls: number[][] = [];
    // A stand-in detector: one box at (10,10)–(30,50) in every image it is given.
    const run = async (images: { width: number }[]) => {
      calls.push(images.map((i) => i.width));
      return images.map(() => [det([10, 10, 30, 50])]);
    };
    const { detections } = await detectTiled(
      [frame, small],
      (image) => (image.width > 100 ? tileGrid(image.width, image.height) : []),
      run,
      0.45,
    );
    expect(calls).toEqual([[640, 356, 356, 356, 356, 32]]);
    // Full-frame box (10,10) and top-left tile box are one; the other tiles' boxes land at their offsets.
    expect(detections[0]!.map((d) => d.box).sort((a, b) => a[0] - b[0] || a[1] - b[1])).toEqual([
      [10, 10, 30, 50],
      [10, 223, 30, 263],
      [294, 10, 314, 50],
      [294, 223, 314, 263],
    ]);
    expect(detections[1]).toEqual([det([10, 10, 30, 50])]);
  });
});

describe('DETECT_TILES', () => {
  it('is off by default, reaches the detector, and names the allowed values when wrong', () => {
    expect(detectorOptions(loadConfig({})).tiles).toBe('off');
    expect(detectorOptions(loadConfig({ DETECT_TILES: 'auto' })).tiles).toBe('auto');
    expect(() => loadConfig({ DETECT_TILES: '3x3' })).toThrowError(
      /DETECT_TILES="3x3" must be one of off, 2x2, auto/,
    );
  });
});
