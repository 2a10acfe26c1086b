// Turns one session's customer signals (words and posture) into cues. Pure and replayable:
// time comes only from media timestamps, so a replay at any speed yields the same cues.
import {
  BUYING_LABELS,
  type CueEvidence,
  type CueReason,
  type CueType,
  type PostureSignalLabel,
  type Technique,
  type VerbalLabel,
} from '../../protocol/protocol';

export interface CueEngineOptions {
  /** Least signal score that counts as evidence. */
  minSignalScore: number;
  /** After a cue of a type, further cues of that type are held back for this long (media ms). */
  cooldownMs: Record<CueType, number>;
  /** Buying signals within this window before a new one add up. */
  accumulateWindowMs: number;
  /** A buying signal this soon after a resistance counts as "objection removed". */
  objectionWindowMs: number;
  /** Evidence weight halves every this many ms of media time. */
  halfLifeMs: number;
  /** Accumulated score needed for the "signals adding up" reason (needs >= 2 signals). */
  accumulateScore: number;
  /** A posture that turned on this long before (or after) a verbal signal counts with it. */
  postureWindowMs: number;
  /** Weight of supporting posture evidence in a cue's combined score. */
  postureWeight: number;
  /** Nodding within this long after a rep turn ends is "benefit acknowledged". */
  benefitWindowMs: number;
}

export const DEFAULT_CUE_ENGINE_OPTIONS: CueEngineOptions = {
  minSignalScore: 0.5,
  cooldownMs: { closing_moment: 45_000, resistance: 60_000 },
  accumulateWindowMs: 120_000,
  objectionWindowMs: 180_000,
  halfLifeMs: 60_000,
  accumulateScore: 0.9,
  postureWindowMs: 10_000,
  postureWeight: 0.6,
  benefitWindowMs: 8_000,
};

export type SignalEvent = CueEvidence;

export interface CueDraft {
  type: CueType;
  reason: CueReason;
  mediaMs: number;
  score: number;
  technique: Technique;
  /** The signal that triggered the cue (drives the headline). */
  trigger: VerbalLabel | PostureSignalLabel;
  /** Supporting posture labels (drive the headline's "and is leaning in"). */
  posture: PostureSignalLabel[];
  evidence: CueEvidence[];
}

const POSITIVE_POSTURE: readonly string[] = ['leaning_forward', 'open_palms', 'nodding'];
const CLOSED_POSTURE: readonly string[] = ['arms_crossed', 'leaning_back'];

export function validateCueEngineOptions(opts: Partial<CueEngineOptions> = {}): CueEngineOptions {
  const merged: CueEngineOptions = {
    ...DEFAULT_CUE_ENGINE_OPTIONS,
    ...opts,
    cooldownMs: { ...DEFAULT_CUE_ENGINE_OPTIONS.cooldownMs, ...opts.cooldownMs },
  };
  const nonNeg = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
  };
  nonNeg('cooldownMs.closing_moment', merged.cooldownMs.closing_moment);
  nonNeg('cooldownMs.resistance', merged.cooldownMs.resistance);
  for (const k of ['accumulateWindowMs', 'objectionWindowMs', 'postureWindowMs', 'benefitWindowMs'] as const) nonNeg(k, merged[k]);
  if (!(merged.halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${merged.halfLifeMs}`);
  for (const k of ['minSignalScore', 'accumulateScore', 'postureWeight'] as const) {
    if (!(merged[k] >= 0 && merged[k] <= 1)) throw new RangeError(`${k} must be within [0, 1], got ${merged[k]}`);
  }
  return merged;
}

export class CueEngine {
  private readonly opts: CueEngineOptions;
  private buying: SignalEvent[] = [];
  private resistances: SignalEvent[] = [];
  /** Postures currently on, with the signal that turned each on. */
  private posture = new Map<string, SignalEvent>();
  /** Recent positive postures, kept for the window even after they turn off. */
  private recentPositive: SignalEvent[] = [];
  private lastRepTurn: { endMs: number; text: string } | undefined;
  private lastCueAt: Partial<Record<CueType, number>> = {};
  private seen = new Set<string>();

  constructor(opts: Partial<CueEngineOptions> = {}) {
    this.opts = validateCueEngineOptions(opts);
  }

  /** A rep turn (not a signal): nodding right after it acknowledges what the rep said. */
  repTurn(endMs: number, text: string): void {
    this.lastRepTurn = { endMs, text };
  }

  /** A customer posture turned off. */
  postureOff(label: PostureSignalLabel): void {
    this.posture.delete(label);
  }

  /** Feeds one signal (in media-time order per session); returns the cues it triggers. */
  push(s: SignalEvent): CueDraft[] {
    if (s.score < this.opts.minSignalScore || s.label === 'neutral') return [];
    const key = s.kind === 'verbal' ? `u${s.utteranceId}` : `s${s.signalId}`;
    if (this.seen.has(key)) return [];
    this.seen.add(key);
    this.forget(s.mediaMs);
    if (s.kind === 'posture') return this.onPosture(s);
    if (s.label === 'resistance') return this.onResistance(s, []);
    if ((BUYING_LABELS as readonly string[]).includes(s.label)) return this.onBuying(s);
    return [];
  }

  private onPosture(s: SignalEvent): CueDraft[] {
    this.posture.set(s.label, s);
    if (POSITIVE_POSTURE.includes(s.label)) this.recentPositive.push(s);
    if (s.label === 'nodding') {
      const rep = this.lastRepTurn;
      if (!rep || s.mediaMs - rep.endMs > this.opts.benefitWindowMs || s.mediaMs < rep.endMs - 60_000) return [];
      if (this.cooling('closing_moment', s.mediaMs)) return [];
      const ev = { ...s, text: `${s.text} — ${rep.text}` };
      return [this.emit({ type: 'closing_moment', reason: 'benefit_acknowledged', mediaMs: s.mediaMs, score: s.score, technique: 'assumptive_close', trigger: 'nodding', posture: [], evidence: [ev] })];
    }
    if (CLOSED_POSTURE.includes(s.label)) {
      const closed = CLOSED_POSTURE.map((l) => this.posture.get(l));
      if (closed.every((c) => c !== undefined)) return this.onResistance(s, closed, 'closed_posture');
    }
    return [];
  }

  private onResistance(s: SignalEvent, postureEvidence: SignalEvent[], reason: CueReason = 'customer_resists'): CueDraft[] {
    this.resistances.push(s);
    // A resistance resets the build-up of buying signals: they no longer add up.
    this.buying = [];
    if (this.cooling('resistance', s.mediaMs)) return [];
    const closedNow = reason === 'closed_posture' ? postureEvidence : CLOSED_POSTURE.map((l) => this.posture.get(l)).filter((e): e is SignalEvent => !!e);
    const verbal = this.resistances.filter((r) => r.kind === 'verbal' && s.mediaMs - r.mediaMs <= this.opts.accumulateWindowMs);
    const evidence = dedupe([...verbal, ...closedNow]);
    return [this.emit({
      type: 'resistance',
      reason,
      mediaMs: s.mediaMs,
      score: this.combined(evidence, s.mediaMs),
      technique: 'address_objection',
      trigger: s.label,
      posture: closedNow.map((e) => e.label as PostureSignalLabel),
      evidence,
    })];
  }

  private onBuying(s: SignalEvent): CueDraft[] {
    const objection = [...this.resistances].reverse().find((r) => s.mediaMs - r.mediaMs <= this.opts.objectionWindowMs && r.mediaMs <= s.mediaMs);
    this.buying.push(s);
    const window = this.buying.filter((b) => s.mediaMs - b.mediaMs <= this.opts.accumulateWindowMs);
    const support = this.recentPositive.filter((p) => Math.abs(s.mediaMs - p.mediaMs) <= this.opts.postureWindowMs || this.posture.get(p.label) === p);
    const weighted = [...window, ...support.map((p) => ({ ...p, score: p.score * this.opts.postureWeight }))];
    const score = this.combined(weighted, s.mediaMs);
    let reason: CueReason;
    let technique: Technique;
    let evidence: SignalEvent[];
    if (objection) {
      reason = 'objection_removed';
      technique = 'direct_request';
      evidence = [objection, s];
    } else if (window.length >= 2 && this.combined(window, s.mediaMs) >= this.opts.accumulateScore) {
      reason = 'signals_accumulating';
      technique = 'assumptive_close';
      evidence = window;
    } else {
      reason = 'buying_signal';
      // The deck: direct request for anyone who has just given a buying signal; when the
      // customer is haggling they care about value: list the benefits first.
      technique = s.label === 'discount_request' ? 'benefit_listing' : 'direct_request';
      evidence = [s];
    }
    // An objection-removed moment is worth a cue even inside the cooldown: it is a new moment.
    if (this.cooling('closing_moment', s.mediaMs) && reason !== 'objection_removed') return [];
    if (objection) this.resistances = [];
    const posture = dedupe(support);
    return [this.emit({
      type: 'closing_moment', reason, mediaMs: s.mediaMs, score, technique, trigger: s.label,
      posture: posture.map((p) => p.label as PostureSignalLabel),
      evidence: [...evidence, ...posture],
    })];
  }

  /** 1 - prod(1 - w_i * s_i): more and fresher evidence gives a higher score, never above 1. */
  private combined(events: readonly SignalEvent[], nowMs: number): number {
    let miss = 1;
    for (const e of events) {
      const w = Math.pow(0.5, Math.max(0, nowMs - e.mediaMs) / this.opts.halfLifeMs);
      miss *= 1 - w * e.score;
    }
    return Math.round((1 - miss) * 1000) / 1000;
  }

  private cooling(type: CueType, nowMs: number): boolean {
    const last = this.lastCueAt[type];
    return last !== undefined && nowMs - last < this.opts.cooldownMs[type];
  }

  private emit(d: CueDraft): CueDraft {
    this.lastCueAt[d.type] = d.mediaMs;
    return { ...d, evidence: d.evidence.map((e) => ({ ...e })) };
  }

  private forget(nowMs: number): void {
    const keep = Math.max(this.opts.accumulateWindowMs, this.opts.objectionWindowMs);
    this.buying = this.buying.filter((b) => nowMs - b.mediaMs <= keep);
    this.resistances = this.resistances.filter((r) => nowMs - r.mediaMs <= keep);
    this.recentPositive = this.recentPositive.filter((p) => nowMs - p.mediaMs <= this.opts.postureWindowMs || this.posture.get(p.label) === p);
  }
}

function dedupe(es: readonly SignalEvent[]): SignalEvent[] {
  const ids = new Set<number>();
  return es.filter((e) => !ids.has(e.signalId) && ids.add(e.signalId));
}
