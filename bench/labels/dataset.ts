import { readFile, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import type { Box } from '@orion/shared';

/** One ground-truth box: [x1, y1, x2, y2] in image pixels, its label in the detector's spelling. */
export interface Truth {
  box: Box;
  label: string;
  /** COCO `iscrowd`: a region of many objects; detections on it are neither right nor wrong. */
  crowd: boolean;
}

export interface LabelledImage {
  path: string;
  truths: Truth[];
}

/** COCO's own category names that the darknet `coco.names` list spells differently. */
const DARKNET_SPELLING: Record<string, string> = {
  motorcycle: 'motorbike',
  airplane: 'aeroplane',
  couch: 'sofa',
  'potted plant': 'pottedplant',
  'dining table': 'diningtable',
  tv: 'tvmonitor',
};

/** A COCO category name in the detector's spelling; throws when the detector has no such label. */
export function detectorLabel(cocoName: string, labels: readonly string[]): string {
  const name = labels.includes(cocoName) ? cocoName : (DARKNET_SPELLING[cocoName] ?? cocoName);
  if (!labels.includes(name))
    throw new Error(`COCO category "${cocoName}" is not among the detector's labels`);
  return name;
}

interface CocoFile {
  categories: { id: number; name: string }[];
  images: { id: number; file_name: string }[];
  annotations: {
    image_id: number;
    category_id: number;
    bbox: [number, number, number, number];
    iscrowd?: number;
  }[];
}

/** Images of a COCO instances file (every listed image, with or without boxes). */
export async function loadCoco(
  file: string,
  imagesDir: string,
  labels: readonly string[],
): Promise<LabelledImage[]> {
  const coco = JSON.parse(await readFile(file, 'utf8')) as CocoFile;
  const names = new Map(coco.categories.map((c) => [c.id, detectorLabel(c.name, labels)]));
  const byImage = new Map(
    coco.images.map((i) => [i.id, { path: join(imagesDir, i.file_name), truths: [] as Truth[] }]),
  );
  for (const a of coco.annotations) {
    const image = byImage.get(a.image_id);
    const label = names.get(a.category_id);
    if (!image || !label)
      throw new Error(`annotation names unknown image ${a.image_id} or category ${a.category_id}`);
    const [x, y, w, h] = a.bbox;
    image.truths.push({ box: [x, y, x + w, y + h], label, crowd: a.iscrowd === 1 });
  }
  return [...byImage.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Images with YOLO label files (`<stem>.txt`: `class cx cy w h` per line, normalised, class = index
 * into the detector's labels). An image without a label file has no objects.
 */
export async function loadYolo(
  labelsDir: string,
  imagesDir: string,
  labels: readonly string[],
): Promise<LabelledImage[]> {
  const files = (await readdir(imagesDir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  return Promise.all(
    files.map(async (f) => {
      const path = join(imagesDir, f);
      const { width = 0, height = 0 } = await sharp(path).metadata();
      const text = await readFile(join(labelsDir, `${basename(f, extname(f))}.txt`), 'utf8').catch(
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return '';
          throw err;
        },
      );
      const truths = text
        .split('\n')
        .filter((l) => l.trim())
        .map((line): Truth => {
          const [c, cx, cy, w, h] = line.trim().split(/\s+/).map(Number) as [
            number,
            number,
            number,
            number,
            number,
          ];
          const label = labels[c];
          if (label === undefined)
            throw new Error(`${f}: class ${c} is not among the detector's ${labels.length} labels`);
          const box: Box = [
            (cx - w / 2) * width,
            (cy - h / 2) * height,
            (cx + w / 2) * width,
            (cy + h / 2) * height,
          ];
          return { box, label, crowd: false };
        });
      return { path, truths };
    }),
  );
}
