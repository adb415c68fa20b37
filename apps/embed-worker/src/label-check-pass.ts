import type { SecondLook } from '@orion/detector';
import {
  checkLabel,
  detectorNextClass,
  detectorRunnerUp,
  frameContext,
  needsSecondLook,
  type AnalyzeResult,
  type LabelCheck,
  type LabelCheckParams,
  type LabelEvidence,
} from '@orion/embeddings';
import {
  boxInCrop,
  type CropEntry,
  type Detection,
  type DetectionsFile,
  type StoredVerification,
} from '@orion/shared';

/** The label check's model and, optionally, the second detector that refines its flags. */
export interface LabelCheckDeps {
  params: LabelCheckParams;
  /** NanoDet-m's look at flagged crops, for their suggestion and verdict; null: without it. */
  secondLook: SecondLook | null;
}

interface Row {
  detection: Detection;
  crop: { jpeg: Buffer; entry: CropEntry };
  result: AnalyzeResult;
}

/**
 * The label check of a shard's crops (issue #18): every detection's evidence (detector score and
 * top 5, box, the embedding model's probability, the frame's other detections) turned into a
 * calibrated probability that its label is right by the fitted model; the second detector then
 * looks at the flagged crops only, which is where its suggestion and verdict are used.
 */
export class LabelCheckPass {
  /** Time spent in the check, second look included (ms). */
  ms = 0;
  /** Crops the second detector looked at. */
  looked = 0;

  constructor(
    private readonly deps: LabelCheckDeps,
    private readonly file: DetectionsFile,
    /** Whether the embedding model's probabilities are the ones the model was fitted on. */
    private readonly embeddingFitted: boolean,
  ) {}

  async run(rows: readonly Row[]): Promise<StoredVerification[]> {
    const started = performance.now();
    const { params, secondLook } = this.deps;
    const byFrame = new Map<number, Detection[]>();
    for (const d of this.file.detections) {
      const frame = byFrame.get(d.frame);
      if (frame) frame.push(d);
      else byFrame.set(d.frame, [d]);
    }
    const evidence = rows.map((r) => this.evidenceOf(r, byFrame.get(r.detection.frame) ?? []));
    const sources = rows.map((r) => ({
      embedding: r.result.verification?.suggestedClass ?? null,
      detectorNext: detectorNextClass(r.detection.top5, this.file.labels, r.detection.label),
    }));
    const checks = evidence.map((e, i) => checkLabel(e, sources[i]!, params));
    if (secondLook) {
      const all = needsSecondLook(params);
      const look = checks.flatMap((c, i) => (all || !c.isMatch ? [i] : []));
      const views = await secondLook.look(
        look.map((i) => ({
          jpeg: rows[i]!.crop.jpeg,
          box: boxInCrop(rows[i]!.crop.entry, rows[i]!.detection.box),
          label: rows[i]!.detection.label,
        })),
      );
      look.forEach((i, k) => {
        evidence[i] = { ...evidence[i]!, second: views[k]! };
        checks[i] = checkLabel(evidence[i], sources[i]!, params);
      });
      this.looked += look.length;
    }
    this.ms += performance.now() - started;
    return checks.map((c, i) => stored(c, rows[i]!));
  }

  private evidenceOf(r: Row, frame: readonly Detection[]): LabelEvidence {
    const d = r.detection;
    const v = r.result.verification;
    const size = this.file.frameSize!;
    return {
      label: d.label,
      detectorScore: d.score,
      detectorRunnerUp: detectorRunnerUp(d.top5, this.file.labels, d.label),
      box: d.box,
      frameWidth: size.width,
      frameHeight: size.height,
      embeddingProbability: this.embeddingFitted && v?.status === 'verified' ? v.probability : null,
      second: null,
      frame: frameContext(d, frame),
    };
  }
}

/**
 * The stored verification: `suggestedProbability` is the probability that the label is wrong when
 * the verdict is the wrong class, 0 for no object (no class is put forward), and the label's own
 * probability when it passes (the suggestion is then the label itself).
 */
function stored(c: LabelCheck, row: Row): StoredVerification {
  const v = row.result.verification;
  return {
    status: 'verified',
    isMatch: c.isMatch,
    probability: c.probability,
    similarity: v?.status === 'verified' ? v.similarity : null,
    confidence: c.confidence,
    suggestedClass: c.isMatch ? row.detection.label : c.suggestedClass,
    suggestedProbability: c.isMatch ? c.probability : c.verdict === 'wrong-class' ? 1 - c.probability : 0,
    verdict: c.verdict,
  };
}
