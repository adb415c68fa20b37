import { COCO_LABELS, type CocoLabel } from './coco.js';

/**
 * Which ImageNet-1k classes are instances of each COCO class, so that a classifier trained on
 * ImageNet can vouch for a COCO label: the label's probability is the mass of its ImageNet classes.
 *
 * Rules followed:
 * - Only classes that ARE the COCO object (a "school bus" is a bus); never parts, contents, places
 *   or look-alikes ("street sign" is not always a stop sign, "red wine" is a drink, not a glass).
 * - A COCO class whose ImageNet classes cannot stand for it in general maps to nothing and is
 *   reported as unverifiable. `person`: ImageNet's only people are "ballplayer", "groom" and
 *   "scuba diver", so an ordinary person would score near zero, a false "mismatch". `kite`: ImageNet's
 *   "kite" (21) is the bird.
 *
 * Entries are [ImageNet index, its first name in imagenet.names]; the name is checked against the
 * model's labels at load, so a different label file can never silently shift the mapping.
 */
export type ImageNetRef = readonly [index: number, name: string];

/** Consecutive classes; the names of the first and last are checked, those between are not. */
const span = (from: number, fromName: string, to: number, toName: string): ImageNetRef[] =>
  Array.from({ length: to - from + 1 }, (_, i) => {
    const index = from + i;
    return [index, index === from ? fromName : index === to ? toName : ''] as const;
  });

// prettier-ignore
export const COCO_TO_IMAGENET: Readonly<Record<CocoLabel, readonly ImageNetRef[]>> = {
  person: [],
  bicycle: [[444, 'bicycle-built-for-two'], [671, 'mountain bike']],
  car: [
    [407, 'ambulance'], [436, 'beach wagon'], [468, 'cab'], [511, 'convertible'], [609, 'jeep'],
    [627, 'limousine'], [656, 'minivan'], [661, 'Model T'], [734, 'police van'],
    [751, 'racer'], [817, 'sports car'],
  ],
  motorbike: [[665, 'moped'], [670, 'motor scooter']],
  aeroplane: [[404, 'airliner'], [895, 'warplane'], [908, 'wing']],
  bus: [[654, 'minibus'], [779, 'school bus'], [874, 'trolleybus']],
  train: [[466, 'bullet train'], [547, 'electric locomotive'], [565, 'freight car'], [705, 'passenger car'], [820, 'steam locomotive'], [829, 'streetcar']],
  truck: [[555, 'fire engine'], [569, 'garbage truck'], [675, 'moving van'], [717, 'pickup'], [864, 'tow truck'], [867, 'trailer truck']],
  boat: [
    [403, 'aircraft carrier'], [472, 'canoe'], [484, 'catamaran'], [510, 'container ship'], [554, 'fireboat'],
    [576, 'gondola'], [625, 'lifeboat'], [628, 'liner'], [724, 'pirate'], [780, 'schooner'], [814, 'speedboat'],
    [833, 'submarine'], [871, 'trimaran'], [914, 'yawl'],
  ],
  'traffic light': [[920, 'traffic light']],
  'fire hydrant': [],
  'stop sign': [],
  'parking meter': [[704, 'parking meter']],
  bench: [[703, 'park bench']],
  bird: [
    ...span(7, 'cock', 24, 'great grey owl'),
    ...span(80, 'black grouse', 100, 'black swan'),
    ...span(127, 'white stork', 146, 'albatross'),
  ],
  // Domestic cats only; the big cats (286–293) are not COCO's "cat".
  cat: [[281, 'tabby'], [282, 'tiger cat'], [283, 'Persian cat'], [284, 'Siamese cat'], [285, 'Egyptian cat']],
  // The dog breeds; the wolves and wild dogs that follow them are not COCO's "dog".
  dog: span(151, 'Chihuahua', 268, 'Mexican hairless'),
  horse: [[339, 'sorrel']],
  sheep: [[348, 'ram'], [349, 'bighorn']],
  cow: [[345, 'ox']],
  elephant: [[101, 'tusker'], [385, 'Indian elephant'], [386, 'African elephant']],
  bear: [[294, 'brown bear'], [295, 'American black bear'], [296, 'ice bear'], [297, 'sloth bear']],
  zebra: [[340, 'zebra']],
  giraffe: [],
  backpack: [[414, 'backpack']],
  umbrella: [[879, 'umbrella']],
  handbag: [[748, 'purse']],
  tie: [[451, 'bolo tie'], [457, 'bow tie'], [906, 'Windsor tie']],
  suitcase: [],
  frisbee: [],
  skis: [[795, 'ski']],
  snowboard: [],
  'sports ball': [
    [429, 'baseball'], [430, 'basketball'], [522, 'croquet ball'], [574, 'golf ball'], [722, 'ping-pong ball'],
    [768, 'rugby ball'], [805, 'soccer ball'], [852, 'tennis ball'], [890, 'volleyball'],
  ],
  kite: [],
  'baseball bat': [],
  'baseball glove': [],
  skateboard: [],
  surfboard: [],
  'tennis racket': [[752, 'racket']],
  // ImageNet's "nipple" (680) is the baby bottle its images show.
  bottle: [[440, 'beer bottle'], [680, 'nipple'], [720, 'pill bottle'], [737, 'pop bottle'], [898, 'water bottle'], [907, 'wine bottle']],
  'wine glass': [[572, 'goblet']],
  cup: [[504, 'coffee mug'], [647, 'measuring cup'], [968, 'cup']],
  fork: [],
  knife: [[499, 'cleaver']],
  spoon: [[910, 'wooden spoon']],
  bowl: [[659, 'mixing bowl'], [809, 'soup bowl']],
  banana: [[954, 'banana']],
  apple: [[948, 'Granny Smith']],
  sandwich: [[933, 'cheeseburger']],
  orange: [[950, 'orange']],
  broccoli: [[937, 'broccoli']],
  carrot: [],
  'hot dog': [[934, 'hotdog']],
  pizza: [[963, 'pizza']],
  donut: [],
  cake: [],
  chair: [[423, 'barber chair'], [559, 'folding chair'], [765, 'rocking chair'], [857, 'throne']],
  sofa: [[831, 'studio couch']],
  pottedplant: [[738, 'pot']],
  bed: [[520, 'crib'], [564, 'four-poster']],
  diningtable: [[532, 'dining table']],
  toilet: [[861, 'toilet seat']],
  tvmonitor: [[664, 'monitor'], [782, 'screen'], [851, 'television']],
  laptop: [[620, 'laptop'], [681, 'notebook']],
  mouse: [[673, 'mouse']],
  remote: [[761, 'remote control']],
  keyboard: [[508, 'computer keyboard']],
  'cell phone': [[487, 'cellular telephone']],
  microwave: [[651, 'microwave']],
  oven: [[827, 'stove']],
  toaster: [[859, 'toaster']],
  sink: [[896, 'washbasin']],
  refrigerator: [[760, 'refrigerator']],
  book: [[917, 'comic book'], [921, 'book jacket']],
  clock: [[409, 'analog clock'], [530, 'digital clock'], [892, 'wall clock']],
  vase: [[883, 'vase']],
  scissors: [],
  'teddy bear': [[850, 'teddy']],
  'hair drier': [[589, 'hand blower']],
  toothbrush: [],
};

/** The labels file does not line up with the mapping (not ImageNet-1k in the usual order). */
export class ImageNetLabelsMismatchError extends Error {
  readonly code = 'ERR_IMAGENET_LABELS';
  constructor(model: string, detail: string) {
    super(
      `The labels of model "${model}" are not ImageNet-1k in the order the COCO mapping expects: ${detail}`,
    );
    this.name = 'ImageNetLabelsMismatchError';
  }
}

/**
 * COCO class → ImageNet indices, after checking every named entry against the model's labels
 * (each line of imagenet.names lists synonyms; the first must match).
 */
export function buildCocoImageNetIndex(model: string, labels: readonly string[]): Map<CocoLabel, number[]> {
  if (labels.length !== 1000)
    throw new ImageNetLabelsMismatchError(model, `${labels.length} labels instead of 1000`);
  const index = new Map<CocoLabel, number[]>();
  for (const coco of COCO_LABELS) {
    const refs = COCO_TO_IMAGENET[coco];
    for (const [i, name] of refs) {
      const first = labels[i]?.split(',')[0]?.trim();
      if (name && first !== name) {
        throw new ImageNetLabelsMismatchError(
          model,
          `class ${i} is "${first}", the "${coco}" mapping expects "${name}"`,
        );
      }
    }
    index.set(
      coco,
      refs.map(([i]) => i),
    );
  }
  return index;
}
