/**
 * The 80 COCO classes, spelt as the detectors' labels file (coco.names) spells them, in its order:
 * the default candidates of classification and verification.
 */
// prettier-ignore
export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorbike', 'aeroplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
  'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
  'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'sofa',
  'pottedplant', 'bed', 'diningtable', 'toilet', 'tvmonitor', 'laptop', 'mouse', 'remote', 'keyboard',
  'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush',
] as const;

export type CocoLabel = (typeof COCO_LABELS)[number];

/**
 * The darknet spellings above and the official COCO names differ for six classes; both are
 * accepted. The official name also reads better in a text prompt ("a photo of a tv").
 */
const OFFICIAL_NAMES: Partial<Record<CocoLabel, string>> = {
  motorbike: 'motorcycle',
  aeroplane: 'airplane',
  sofa: 'couch',
  pottedplant: 'potted plant',
  diningtable: 'dining table',
  tvmonitor: 'tv',
};

const BY_NAME = new Map<string, CocoLabel>();
for (const label of COCO_LABELS) {
  BY_NAME.set(label, label);
  const official = OFFICIAL_NAMES[label];
  if (official) BY_NAME.set(official, label);
}
BY_NAME.set('hair dryer', 'hair drier');

const normalise = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

/** The COCO class a label names in either spelling (case and `_`/`-` ignored), or undefined. */
export function cocoClass(label: string): CocoLabel | undefined {
  return BY_NAME.get(normalise(label));
}

/** The natural name of a label for prompts: COCO's official name when it is a COCO class. */
export function naturalName(label: string): string {
  const coco = cocoClass(label);
  return coco ? (OFFICIAL_NAMES[coco] ?? coco) : label.trim();
}
