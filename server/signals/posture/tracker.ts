// Follows one participant's posture through a video: picks them among the people in each
// frame, keeps their own baseline size, smooths landmarks, classifies, gates labels with
// hysteresis and counts nods; emits an event whenever a label turns on or off. Time is
// the media timestamp passed in; nothing reads the clock.
import type { Pose } from '../pose/types';
import { computeFeatures, featureValue, type PostureFeatures } from './features';
import type { PostureClassifier } from './model';
import { DEFAULT_NOD, headPitchSignal, NodDetector, type NodDetectorState, type NodOptions } from './nodding';
import { choosePerson, classifyPhoto, type PhotoResult, type TrackHint } from './photo';
import {
  DEFAULT_HYSTERESIS, DEFAULT_ONE_EURO, Hysteresis, LandmarkSmoother, type HysteresisOptions, type HysteresisState, type OneEuroOptions, type OneEuroState,
} from './smoothing';
import { MODEL_LABELS, type Baseline, type ModelLabel, type PostureEvent, type PostureEventLabel, type PostureLabel } from './types';

export interface PostureTrackerOptions {
  participant: string;
  classifier: PostureClassifier;
  /** Video width / height. */
  aspect?: number;
  /** Where the participant is in the first frame; without it the largest, most central person is taken. */
  hint?: TrackHint;
  /** Media time from the first sighting used to learn the participant's baseline size. */
  baselineMs?: number;
  /** Time constant (media ms) with which the baseline follows slow drift while the person is neutral. */
  baselineTauMs?: number;
  /** After this long without the participant, smoothing and nodding restart. */
  lostAfterMs?: number;
  smoothing?: OneEuroOptions;
  /** Per-label hysteresis; onThreshold defaults to the model's threshold for that label. */
  hysteresis?: Partial<Record<PostureLabel, Partial<HysteresisOptions>>>;
  nod?: NodOptions;
}

/**
 * Per-label departures from DEFAULT_HYSTERESIS. Arms crossed for about 1.3 s should count, and
 * with the general 1.5 s hold it never did: on the 32 real UTD-MHAD Kinect arm-cross sequences
 * (keypointEval.ts) no crossing stayed above the threshold longer than 1.37 s, so arms_crossed
 * turned on in none. A 1 s hold still ignores flickers. Nodding is judged over its own 2 s window.
 */
export const DEFAULT_LABEL_HYSTERESIS: Partial<Record<PostureEventLabel, Partial<HysteresisOptions>>> = {
  arms_crossed: { holdMs: 1000 },
  nodding: { holdMs: 0 },
};

/** Format of TrackerState; raise it whenever the state's shape or meaning changes, so old snapshots are not used. */
export const TRACKER_STATE_VERSION = 1;

/**
 * Everything a tracker has learnt from the frames it saw, as plain JSON-safe data (no
 * Infinity, no Map), so that a tracker restored from it with the same options goes on
 * exactly as the original would. The options themselves (classifier, aspect, …) are not part
 * of it: whoever restores passes the same ones again.
 */
export interface TrackerState {
  v: typeof TRACKER_STATE_VERSION;
  smoother: OneEuroState[][];
  nods: NodDetectorState;
  gates: Partial<Record<PostureEventLabel, HysteresisState>>;
  started: Partial<Record<PostureEventLabel, number>>;
  hint: TrackHint | null;
  pointedHint: TrackHint | null;
  lastPose: Pose | null;
  firstSeenMs: number | null;
  /** Null before the participant was first seen (-Infinity in the tracker). */
  lastSeenMs: number | null;
  samples: Baseline[];
  base: Baseline | null;
  lastBaselineMs: number;
}

export const DEFAULT_BASELINE_MS = 5000;
export const DEFAULT_BASELINE_TAU_MS = 60_000;
export const DEFAULT_LOST_AFTER_MS = 2000;
/** Fewest frames for a baseline; fewer and the tracker keeps classifying without one. */
const MIN_BASELINE_FRAMES = 5;
const BASELINE_KEYS = ['shoulderWidth', 'headSize', 'bodyScale', 'neckHeight'] as const;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
};

/** Where the upper body is and how big it is, in square units (x scaled by the aspect). */
function torso(p: Pose, aspect: number): { x: number; y: number; size: number } | null {
  const [ls, rs, lh, rh] = [11, 12, 23, 24].map((i) => p.landmarks[i]);
  if (!ls || !rs || !lh || !rh) return null;
  const sx = ((ls.x + rs.x) / 2) * aspect;
  const sy = (ls.y + rs.y) / 2;
  const hx = ((lh.x + rh.x) / 2) * aspect;
  const hy = (lh.y + rh.y) / 2;
  // The larger of shoulder width and torso height: a turn to profile narrows the shoulders only.
  const size = Math.max(Math.hypot((ls.x - rs.x) * aspect, ls.y - rs.y), Math.hypot(hx - sx, hy - sy));
  return { x: sx, y: sy, size };
}

/**
 * Whether `next` can be the same person as `prev` one frame later: the shoulders moved less
 * than one torso size and the torso changed size less than 2× either way. Judged on the upper
 * body, not the box, which jumps when legs or hands drift in and out of view.
 */
export function plausibleStep(prev: Pose, next: Pose, aspect = 1): boolean {
  const a = torso(prev, aspect);
  const b = torso(next, aspect);
  if (!a || !b || a.size <= 0) return true;
  const ratio = b.size / a.size;
  return Math.hypot(b.x - a.x, b.y - a.y) <= a.size && ratio >= 0.5 && ratio <= 2;
}

export class PostureTracker {
  private readonly smoother: LandmarkSmoother;
  private readonly nods: NodDetector;
  private readonly gates = new Map<PostureEventLabel, Hysteresis>();
  private readonly started = new Map<PostureEventLabel, number>();
  private hint: TrackHint | undefined;
  /** Where a user pointed: a track that lost its person starts again there (else on the default choice). */
  private pointedHint: TrackHint | undefined;
  /** The participant's pose in the last frame they were seen in, while they are followed. */
  private lastPose: Pose | undefined;
  private firstSeenMs: number | undefined;
  private lastSeenMs = -Infinity;
  private samples: Baseline[] = [];
  private base: Baseline | undefined;
  private lastBaselineMs = 0;

  constructor(private readonly opts: PostureTrackerOptions) {
    this.smoother = new LandmarkSmoother(opts.smoothing ?? DEFAULT_ONE_EURO);
    this.nods = new NodDetector(opts.nod ?? DEFAULT_NOD);
    this.hint = opts.hint;
    for (const label of [...MODEL_LABELS, 'nodding'] as PostureEventLabel[]) {
      const model = label === 'nodding' ? 0.5 : opts.classifier.thresholds[label];
      const o = { ...DEFAULT_HYSTERESIS, onThreshold: Math.max(model, DEFAULT_HYSTERESIS.offThreshold + 0.05), ...DEFAULT_LABEL_HYSTERESIS[label], ...opts.hysteresis?.[label] };
      this.gates.set(label, new Hysteresis({ ...o, offThreshold: Math.min(o.offThreshold, o.onThreshold) }));
    }
  }

  /** A tracker that continues from `state` (taken by snapshot() of one built with the same options). */
  static fromSnapshot(opts: PostureTrackerOptions, state: TrackerState): PostureTracker {
    const t = new PostureTracker(opts);
    t.restore(state);
    return t;
  }

  /** The tracker's state as plain data (a copy: later frames do not change it). */
  snapshot(): TrackerState {
    const copy = <T>(x: T): T => structuredClone(x);
    return {
      v: TRACKER_STATE_VERSION,
      smoother: this.smoother.snapshot(),
      nods: this.nods.snapshot(),
      gates: Object.fromEntries([...this.gates].map(([l, g]) => [l, g.snapshot()])),
      started: Object.fromEntries(this.started),
      hint: copy(this.hint) ?? null,
      pointedHint: copy(this.pointedHint) ?? null,
      lastPose: copy(this.lastPose) ?? null,
      firstSeenMs: this.firstSeenMs ?? null,
      lastSeenMs: Number.isFinite(this.lastSeenMs) ? this.lastSeenMs : null,
      samples: copy(this.samples),
      base: copy(this.base) ?? null,
      lastBaselineMs: this.lastBaselineMs,
    };
  }

  private restore(s: TrackerState): void {
    const v: number = s.v;
    if (v !== TRACKER_STATE_VERSION) throw new Error(`tracker state format ${v}, this code reads ${TRACKER_STATE_VERSION}`);
    for (const [label, gate] of this.gates) {
      const g = s.gates[label];
      if (!g) throw new Error(`tracker state has no gate for ${label}`);
      gate.restore(g);
    }
    const copy = <T>(x: T): T => structuredClone(x);
    this.smoother.restore(s.smoother);
    this.nods.restore(s.nods);
    this.started.clear();
    for (const [label, ms] of Object.entries(s.started)) this.started.set(label as PostureEventLabel, ms);
    this.hint = copy(s.hint) ?? undefined;
    this.pointedHint = copy(s.pointedHint) ?? undefined;
    this.lastPose = copy(s.lastPose) ?? undefined;
    this.firstSeenMs = s.firstSeenMs ?? undefined;
    this.lastSeenMs = s.lastSeenMs ?? -Infinity;
    this.samples = copy(s.samples);
    this.base = copy(s.base) ?? undefined;
    this.lastBaselineMs = s.lastBaselineMs;
  }

  /** The participant's learnt baseline, once there is one. */
  get baseline(): Baseline | undefined {
    return this.base;
  }

  /** Labels currently on. */
  get active(): PostureEventLabel[] {
    return [...this.gates].filter(([, g]) => g.isOn).map(([l]) => l);
  }

  /**
   * A user pointed at the participant (or, with undefined, asked for the default choice
   * again): the next frame picks the person nearest `hint`. Someone else's size, smoothed
   * landmarks and nods say nothing about this person, so those restart; the labels' gates
   * keep their state and follow the new person's scores.
   */
  pointAt(hint: TrackHint | undefined): void {
    // The same box sent again with every frame is one pointing, not a restart per frame.
    const key = (h: TrackHint | undefined) => (h ? JSON.stringify(h.box) : '');
    if (key(hint) === key(this.pointedHint)) return;
    this.hint = hint;
    this.pointedHint = hint;
    this.lastPose = undefined;
    this.smoother.reset();
    this.nods.reset();
    this.samples = [];
    this.base = undefined;
    this.firstSeenMs = undefined;
  }

  /** One video frame: every detected person's pose at `mediaMs`. Returns the labels that turned on or off. */
  update(poses: readonly Pose[], mediaMs: number): PostureEvent[] {
    const lost = mediaMs - this.lastSeenMs > (this.opts.lostAfterMs ?? DEFAULT_LOST_AFTER_MS);
    if (lost) {
      // A lost track starts again like a new one: where the user pointed, else the largest,
      // most central person, not whoever happens to stand where the participant was.
      this.hint = this.pointedHint;
      this.lastPose = undefined;
      this.smoother.reset();
      this.nods.reset();
    }
    let idx = choosePerson(poses, this.hint);
    // While following, a pose too far from or too unlike the participant's last box is someone
    // else (the participant is hidden or turned away this frame): nobody is seen, and the track
    // only moves on after it has been lost for lostAfterMs.
    const aspect = this.opts.aspect ?? 1;
    if (idx >= 0 && !lost && this.lastPose && !plausibleStep(this.lastPose, poses[idx]!, aspect)) idx = -1;
    const pose = idx >= 0 ? poses[idx]! : undefined;
    const feats = pose ? computeFeatures({ ...pose, landmarks: this.smoother.smooth(pose.landmarks, mediaMs) }, { aspect, baseline: this.base }) : null;
    if (!pose || !feats) {
      // A participant out of view holds no posture: every label drifts toward off.
      return this.gate(Object.fromEntries(MODEL_LABELS.map((l) => [l, 0])) as Record<ModelLabel, number>, 0, mediaMs, null);
    }
    this.hint = { box: pose.box };
    this.lastPose = pose;
    this.lastSeenMs = mediaMs;
    const [scores] = this.opts.classifier.predict([feats.values]);
    this.learnBaseline(feats, scores!, mediaMs);
    const nod = this.nods.update(headPitchSignal(pose.landmarks, aspect), mediaMs);
    return this.gate(scores!, nod.nodding ? 1 : 0, mediaMs, feats);
  }

  /** A single photo: no baseline, no time (how the classifier is measured on photos). */
  classifyPhoto(poses: readonly Pose[], aspect = this.opts.aspect): PhotoResult | null {
    return classifyPhoto(this.opts.classifier, poses, { aspect });
  }

  private learnBaseline(feats: PostureFeatures, scores: Record<ModelLabel, number>, mediaMs: number): void {
    this.firstSeenMs ??= mediaMs;
    // Only upright, neutral frames describe the participant's usual size.
    if (scores.leaning_forward > 0.5 || scores.leaning_back > 0.5 || scores.sitting_far > 0.5) return;
    const window = this.opts.baselineMs ?? DEFAULT_BASELINE_MS;
    if (!this.base) {
      this.samples.push(feats.body);
      if (mediaMs - this.firstSeenMs >= window && this.samples.length >= MIN_BASELINE_FRAMES) {
        this.base = Object.fromEntries(BASELINE_KEYS.map((k) => [k, median(this.samples.map((s) => s[k]))])) as unknown as Baseline;
        this.samples = [];
        this.lastBaselineMs = mediaMs;
      }
      return;
    }
    const dt = Math.max(0, mediaMs - this.lastBaselineMs);
    const a = 1 - Math.exp(-dt / (this.opts.baselineTauMs ?? DEFAULT_BASELINE_TAU_MS));
    for (const k of BASELINE_KEYS) this.base[k] += a * (feats.body[k] - this.base[k]);
    this.lastBaselineMs = mediaMs;
  }

  private gate(scores: Record<ModelLabel, number>, nodding: number, mediaMs: number, feats: PostureFeatures | null): PostureEvent[] {
    const events: PostureEvent[] = [];
    const legsSeen = feats ? featureValue(feats.values, 'kneesOk') > 0 : true;
    const probs: Array<[PostureEventLabel, number]> = [...MODEL_LABELS.map((l): [PostureEventLabel, number] => [l, scores[l]]), ['nodding', nodding]];
    for (const [label, p] of probs) {
      // Crossed legs out of view are unknown, not absent: keep their state.
      if (label === 'legs_crossed' && !legsSeen) continue;
      const gate = this.gates.get(label)!;
      const change = gate.update(p, mediaMs);
      if (!change) continue;
      if (change.state === 'on') this.started.set(label, change.sinceMs);
      events.push({
        participant: this.opts.participant,
        label,
        state: change.state,
        score: p,
        mediaMs,
        startedMs: change.state === 'on' ? change.sinceMs : (this.started.get(label) ?? change.sinceMs),
        features: feats ? summarise(feats, this.base) : {},
        modelVersion: this.opts.classifier.version,
      });
    }
    return events;
  }
}

/** The few measurements a coach can read in a cue's explanation. */
function summarise(f: PostureFeatures, base: Baseline | undefined): Record<string, number> {
  const r = (v: number): number => Math.round(v * 100) / 100;
  const out: Record<string, number> = {
    torsoLeanDeg: r(f.torsoLeanDeg),
    wristsAcrossMidline: r(-featureValue(f.values, 'crossAmount')),
    forearmsCross: featureValue(f.values, 'forearmsCross'),
    bodyScale: r(f.body.bodyScale),
  };
  if (base) out.shoulderWidthVsBaseline = r(f.body.shoulderWidth / base.shoulderWidth);
  return out;
}
