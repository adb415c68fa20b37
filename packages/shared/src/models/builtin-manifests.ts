import type { InputSpec, ModelManifest } from './manifest.js';

type FileRef = ModelManifest['model'];

// The models Orion knows without any manifest file: the ones in ../shared/models (their specs are in
// ../shared/README.md). URLs are pinned to the commits the files were taken from; the sha256 decides.

const COCO_LABELS: FileRef = {
  file: 'coco.names',
  sha256: '634a1132eb33f8091d60f2c346ababe8b905ae08387037aed883953b7329af84',
  url: 'https://raw.githubusercontent.com/pjreddie/darknet/master/data/coco.names',
};

const IMAGENET_LABELS: FileRef = {
  file: 'imagenet.names',
  sha256: '1b0c1e842afe63343c3d11a78c69e19ee2be9d80d19c5080ea0863f3ef66451e',
};

const MOBILENET_INPUT: InputSpec = {
  name: 'input',
  batch: 'dynamic',
  width: 224,
  height: 224,
  colorOrder: 'RGB',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  resize: { mode: 'resize-crop', shortSide: 256 },
};

export const BUILTIN_MANIFESTS: readonly ModelManifest[] = [
  {
    name: 'yolox_nano',
    description: 'YOLOX-Nano, COCO 80 classes, 416×416 (default detector)',
    task: 'detection',
    licence: 'Apache-2.0',
    source: 'Megvii YOLOX; file from github.com/Bigisland1729/object-detection-models @7f3f2fa',
    model: {
      file: 'yolox_nano.onnx',
      sha256: 'e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd',
      url: 'https://github.com/Bigisland1729/object-detection-models/raw/7f3f2fa/yolox_nano.onnx',
    },
    labels: COCO_LABELS,
    input: {
      name: 'images',
      batch: 1,
      width: 416,
      height: 416,
      colorOrder: 'BGR',
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: { mode: 'letterbox', align: 'top-left', padValue: 114 },
    },
    output: { format: 'yolox', name: 'output', strides: [8, 16, 32] },
    nmsIou: 0.45,
  },
  {
    name: 'nanodet_m',
    description: 'NanoDet-m, COCO 80 classes, 416×416',
    task: 'detection',
    licence: 'Apache-2.0',
    source: 'RangiLyu/nanodet; file from github.com/hpc203/nanodet-opncv-dnn-cpp-python @15dd99c',
    model: {
      file: 'nanodet_m.onnx',
      sha256: '4b82da9944b88577175ee23a459dce2e26e6e4be573def65b1055dc2d9720186',
      url: 'https://github.com/hpc203/nanodet-opncv-dnn-cpp-python/raw/15dd99c/nanodet_m.onnx',
    },
    labels: COCO_LABELS,
    input: {
      name: 'input.1',
      batch: 1,
      width: 416,
      height: 416,
      colorOrder: 'BGR',
      scale: 1,
      mean: [103.53, 116.28, 123.675],
      std: [57.375, 57.12, 58.395],
      resize: { mode: 'letterbox', align: 'center', padValue: 0 },
    },
    output: {
      format: 'nanodet',
      strides: [8, 16, 32],
      scores: ['792', '814', '836'],
      boxes: ['795', '817', '839'],
      regMax: 7,
    },
    nmsIou: 0.6,
  },
  {
    name: 'mobilenetv2',
    description: 'MobileNetV2 ImageNet classifier, int8 (ONNX model zoo)',
    task: 'classification',
    licence: 'Apache-2.0',
    source: 'ONNX model zoo; file from github.com/Lawrence-lugs/MARP @4eb1e15 (onnx_models/)',
    model: {
      file: 'mobilenetv2-12-int8.onnx',
      sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f',
      url: 'https://github.com/Lawrence-lugs/MARP/raw/4eb1e15/onnx_models/mobilenetv2-12-int8.onnx',
    },
    labels: IMAGENET_LABELS,
    input: MOBILENET_INPUT,
    output: { format: 'logits', name: 'output' },
  },
  {
    name: 'mobilenetv2_emb',
    description: 'MobileNetV2 int8 with its 1280-d pooled features as a second output (crop embeddings)',
    task: 'classification',
    licence: 'Apache-2.0',
    source: 'derived from mobilenetv2-12-int8.onnx by exposing the global-average-pooled features',
    model: {
      file: 'mobilenetv2-12-int8-emb.onnx',
      sha256: 'b0e329c5732b9be10013aecaec7309c642b7efd17d2093409c92925d23e976c0',
    },
    labels: IMAGENET_LABELS,
    input: MOBILENET_INPUT,
    output: { format: 'logits', name: 'output', embedding: 'embedding' },
  },
  {
    name: 'osnet_x0_25_msmt17',
    description: 'OSNet-x0.25 person re-identification, MSMT17, 512-d features (default REID_MODEL)',
    task: 'reid',
    licence: 'MIT (KaiyangZhou/deep-person-reid); trained on MSMT17, a research data set: check its terms',
    source:
      'torchreid model zoo; ONNX export from github.com/akshaydhame2001/YOLOv8_Tracking_TensorRT @cb948b3',
    model: {
      file: 'osnet_x0_25_msmt17.onnx',
      sha256: '61b2604171ef9d58d21758626f83b35a253c3d7123976523a6e03068c3c95d7b',
      url: 'https://github.com/akshaydhame2001/YOLOv8_Tracking_TensorRT/raw/cb948b3/osnet_x0_25_msmt17.onnx',
    },
    // Re-id networks are trained on person boxes stretched to 128×256 (torchreid's transform).
    input: {
      name: 'images',
      batch: 'dynamic',
      width: 128,
      height: 256,
      colorOrder: 'RGB',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      resize: { mode: 'stretch' },
    },
    output: { format: 'features', name: 'output' },
  },
];
