import type { BoxXywh } from './box.js';
import { KalmanBox } from './kalman-box.js';
import type { TrackerOptions } from './options.js';
import { RunningAppearance } from './running-appearance.js';

export type TrackState = 'tentative' | 'confirmed' | 'lost';

/** One live track while the tracker runs: its motion model, running appearance and detections. */
export class Track {
  readonly detections: number[] = [];
  state: TrackState;
  /** Consecutive matched samples (confirms a tentative track). */
  hits = 1;
  /** Time of the last matched detection. */
  lastSeen: number;
  /** Time the motion model's state refers to. */
  private stateTime: number;
  private readonly kalman: KalmanBox;
  private readonly appearance: RunningAppearance;
  /** Re-id appearance, for classes a re-id model embeds; preferred over `appearance` where both sides have it. */
  private readonly reidAppearance: RunningAppearance;
  private readonly labelCounts = new Map<string, number>();
  private majority: string;

  constructor(
    detection: number,
    box: BoxXywh,
    t: number,
    label: string,
    embedding: Float32Array | null,
    reid: Float32Array | null,
    private readonly options: TrackerOptions,
  ) {
    this.kalman = new KalmanBox(box, options.motion);
    this.appearance = new RunningAppearance(embedding);
    this.reidAppearance = new RunningAppearance(reid);
    this.state = options.minHits <= 1 ? 'confirmed' : 'tentative';
    this.lastSeen = t;
    this.stateTime = t;
    this.detections.push(detection);
    this.labelCounts.set(label, 1);
    this.majority = label;
  }

  /** Moves the motion model to time t (no-op when already there). */
  predictTo(t: number): void {
    this.kalman.predict(t - this.stateTime);
    this.stateTime = t;
  }

  /** Box predicted for the current time (call `predictTo` first). */
  predictedBox(): BoxXywh {
    return this.kalman.box();
  }

  mahalanobis(box: BoxXywh): number {
    return this.kalman.mahalanobis(box);
  }

  /** Cosine distance (1 − cos) of the running appearance to a unit embedding; null if either is missing. */
  appearanceDistance(embedding: Float32Array | null): number | null {
    return this.appearance.distance(embedding);
  }

  /** Cosine distance of the running re-id vector to a unit re-id vector; null if either is missing. */
  reidDistance(reid: Float32Array | null): number | null {
    return this.reidAppearance.distance(reid);
  }

  /** The class most of its detections so far had. */
  get label(): string {
    return this.majority;
  }

  /** Adds a matched detection: corrects the motion model, blends the appearance, counts the class. */
  add(
    detection: number,
    box: BoxXywh,
    t: number,
    label: string,
    embedding: Float32Array | null,
    reid: Float32Array | null,
  ): void {
    this.kalman.update(box);
    const keep = Math.exp(-(t - this.lastSeen) / this.options.appearanceMemorySeconds);
    this.appearance.blend(embedding, keep);
    this.reidAppearance.blend(reid, keep);
    const count = (this.labelCounts.get(label) ?? 0) + 1;
    this.labelCounts.set(label, count);
    if (count > (this.labelCounts.get(this.majority) ?? 0)) this.majority = label;
    this.detections.push(detection);
    this.lastSeen = t;
    this.hits = this.state === 'lost' ? 1 : this.hits + 1;
    if (this.state === 'lost' || this.hits >= this.options.minHits) this.state = 'confirmed';
  }
}
