import { boxInCrop, type CropEntry, type Observation } from '@orion/shared';
import type { FlagExportItem } from '@orion/shared/api';
import { flagTarget, targetName } from './flag-target.js';

/** A flagged crop in the data set: its image file and, unless it holds no object, one box. */
export interface DatasetImage {
  item: FlagExportItem;
  shard: number;
  entry: CropEntry;
  /** [x, y, width, height] of the detection in the crop's pixels, clipped to it; null: no object. */
  bbox: [number, number, number, number] | null;
}

export interface FlagDataset {
  images: DatasetImage[];
  /** The labels used, sorted: COCO category `i + 1`, YOLO class `i`. */
  classes: string[];
  /** Flags left out, and why (no crop, or nothing to label them with). */
  skipped: { observation: string; reason: string }[];
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/**
 * The labelled data set of a video's flags: one image per flagged crop, the detection box inside it
 * labelled with the suggested class, or no box where the crop was judged to hold no object.
 */
export function buildFlagDataset(observations: Observation[], crops: Map<string, CropEntry>): FlagDataset {
  const images: DatasetImage[] = [];
  const skipped: FlagDataset['skipped'] = [];
  for (const o of observations) {
    const target = flagTarget(o);
    if (!target) continue;
    if (target.kind === 'unknown') {
      skipped.push({ observation: o.id, reason: 'no suggested class and no verdict' });
      continue;
    }
    const entry = crops.get(o.id);
    if (!entry) {
      skipped.push({ observation: o.id, reason: 'no crop stored' });
      continue;
    }
    let bbox: DatasetImage['bbox'] = null;
    if (target.kind === 'class') {
      const [x1, y1, x2, y2] = boxInCrop(entry, o.box);
      const left = Math.max(0, x1);
      const top = Math.max(0, y1);
      const w = Math.min(entry.width, x2) - left;
      const h = Math.min(entry.height, y2) - top;
      if (w <= 0 || h <= 0) {
        skipped.push({ observation: o.id, reason: 'box outside its crop' });
        continue;
      }
      bbox = [round(left), round(top), round(w), round(h)];
    }
    images.push({
      shard: o.shard,
      entry,
      bbox,
      item: {
        observation: o.id,
        file: `${o.shard}_${o.detection}.jpg`,
        detectorClass: o.label,
        label: target.kind === 'class' ? targetName(target) : null,
        reasons: o.flag!.reasons,
        t: o.t,
        entity: o.entity,
      },
    });
  }
  const classes = [...new Set(images.flatMap((i) => (i.item.label ? [i.item.label] : [])))].sort();
  return { images, classes, skipped };
}

/** COCO instances JSON (the fields pycocotools reads); file names are relative to `images/`. */
export function cocoJson(ds: FlagDataset, info: { videoId: string; runId: string; createdAt: Date }) {
  const category = new Map(ds.classes.map((c, i) => [c, i + 1]));
  const annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: [number, number, number, number];
    area: number;
    iscrowd: 0;
  }[] = [];
  ds.images.forEach((img, i) => {
    if (!img.bbox || !img.item.label) return;
    annotations.push({
      id: annotations.length + 1,
      image_id: i + 1,
      category_id: category.get(img.item.label)!,
      bbox: img.bbox,
      area: round(img.bbox[2] * img.bbox[3]),
      iscrowd: 0,
    });
  });
  return {
    info: {
      description: `Orion flagged crops of video ${info.videoId} (run ${info.runId}), labelled with the suggested class`,
      version: '1.0',
      year: info.createdAt.getUTCFullYear(),
      date_created: info.createdAt.toISOString(),
      contributor: 'Orion',
    },
    licenses: [],
    images: ds.images.map((img, i) => ({
      id: i + 1,
      file_name: img.item.file,
      width: img.entry.width,
      height: img.entry.height,
    })),
    annotations,
    categories: ds.classes.map((name, i) => ({ id: i + 1, name, supercategory: 'object' })),
  };
}

/** A YOLO label file: `class cx cy w h`, normalised to the image; empty for a crop with no object. */
export function yoloLabel(ds: FlagDataset, img: DatasetImage): string {
  if (!img.bbox || !img.item.label) return '';
  const [x, y, w, h] = img.bbox;
  const { width: W, height: H } = img.entry;
  const f = (v: number) => Math.min(1, Math.max(0, v)).toFixed(6);
  return `${ds.classes.indexOf(img.item.label)} ${f((x + w / 2) / W)} ${f((y + h / 2) / H)} ${f(w / W)} ${f(h / H)}\n`;
}

/** Ultralytics' data set description; names as JSON strings, which YAML reads as they are. */
export function yoloDataYaml(ds: FlagDataset): string {
  return [
    '# Orion flagged crops, labelled with the suggested class',
    'path: .',
    'train: images',
    'val: images',
    `nc: ${ds.classes.length}`,
    `names: [${ds.classes.map((c) => JSON.stringify(c)).join(', ')}]`,
    '',
  ].join('\n');
}
