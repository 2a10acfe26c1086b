// Turns a session's signals into cues. Pure and replayable: time comes only from the
// signals' media timestamps, so a replay at any speed yields the same cues.
import { BUYING_LABELS, type CueEvidence, type CueReason, type CueType, type Technique, type VerbalLabel } from '../../protocol/protocol';

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
}

export const DEFAULT_CUE_ENGINE_OPTIONS: CueEngineOptions = {
  minSignalScore: 0.5,
  cooldownMs: { closing_moment: 45_000, resistance: 60_000 },
  accumulateWindowMs: 120_000,
  objectionWindowMs: 180_000,
  halfLifeMs: 60_000,
  accumulateScore: 0.9,
};

export type SignalEvent = CueEvidence;

export interface CueDraft {
  type: CueType;
  reason: CueReason;
  mediaMs: number;
  score: number;
  technique: Technique;
  /** The label of the signal that triggered the cue (drives the headline). */
  trigger: VerbalLabel;
  evidence: CueEvidence[];
}

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
  nonNeg('accumulateWindowMs', merged.accumulateWindowMs);
  nonNeg('objectionWindowMs', merged.objectionWindowMs);
  if (!(merged.halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${merged.halfLifeMs}`);
  if (!(merged.minSignalScore >= 0 && merged.minSignalScore <= 1))
    throw new RangeError(`minSignalScore must be within [0, 1], got ${merged.minSignalScore}`);
  if (!(merged.accumulateScore >= 0 && merged.accumulateScore <= 1))
    throw new RangeError(`accumulateScore must be within [0, 1], got ${merged.accumulateScore}`);
  return merged;
}

export class CueEngine {
  private readonly opts: CueEngineOptions;
  private buying: SignalEvent[] = [];
  private resistances: SignalEvent[] = [];
  private lastCueAt: Partial<Record<CueType, number>> = {};
  private lastEvidence = new Set<number>();

  constructor(opts: Partial<CueEngineOptions> = {}) {
    this.opts = validateCueEngineOptions(opts);
  }

  /** Feeds one signal (in media-time order per session); returns the cues it triggers. */
  push(s: SignalEvent): CueDraft[] {
    if (s.score < this.opts.minSignalScore || s.label === 'neutral') return [];
    if (this.lastEvidence.has(s.utteranceId)) return [];
    this.forget(s.mediaMs);
    if (s.label === 'resistance') return this.onResistance(s);
    if ((BUYING_LABELS as readonly string[]).includes(s.label)) return this.onBuying(s);
    return [];
  }

  private onResistance(s: SignalEvent): CueDraft[] {
    this.resistances.push(s);
    // A resistance resets the build-up of buying signals: they no longer add up.
    this.buying = [];
    if (this.cooling('resistance', s.mediaMs)) return [];
    const recent = this.resistances.filter((r) => s.mediaMs - r.mediaMs <= this.opts.accumulateWindowMs);
    return [this.emit({
      type: 'resistance',
      reason: 'customer_resists',
      mediaMs: s.mediaMs,
      score: this.combined(recent, s.mediaMs),
      technique: 'address_objection',
      trigger: s.label,
      evidence: recent,
    })];
  }

  private onBuying(s: SignalEvent): CueDraft[] {
    const objection = [...this.resistances]
      .reverse()
      .find((r) => s.mediaMs - r.mediaMs <= this.opts.objectionWindowMs && r.mediaMs <= s.mediaMs);
    this.buying.push(s);
    const window = this.buying.filter((b) => s.mediaMs - b.mediaMs <= this.opts.accumulateWindowMs);
    const score = this.combined(window, s.mediaMs);
    let reason: CueReason;
    let technique: Technique;
    let evidence: SignalEvent[];
    if (objection) {
      reason = 'objection_removed';
      technique = 'direct_request';
      evidence = [objection, s];
    } else if (window.length >= 2 && score >= this.opts.accumulateScore) {
      reason = 'signals_accumulating';
      technique = 'assumptive_close';
      evidence = window;
    } else {
      reason = 'buying_signal';
      // The deck: direct request for anyone who has just given a buying signal; when the
      // customer is haggling, they care about value: list the benefits first.
      technique = s.label === 'discount_request' ? 'benefit_listing' : 'direct_request';
      evidence = [s];
    }
    // An objection-removed moment is worth a cue even inside the cooldown: it is a new moment.
    if (this.cooling('closing_moment', s.mediaMs) && reason !== 'objection_removed') return [];
    if (objection) this.resistances = [];
    return [this.emit({ type: 'closing_moment', reason, mediaMs: s.mediaMs, score, technique, trigger: s.label, evidence })];
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
    for (const e of d.evidence) this.lastEvidence.add(e.utteranceId);
    return { ...d, evidence: d.evidence.map((e) => ({ ...e })) };
  }

  private forget(nowMs: number): void {
    const keep = Math.max(this.opts.accumulateWindowMs, this.opts.objectionWindowMs);
    this.buying = this.buying.filter((b) => nowMs - b.mediaMs <= keep);
    this.resistances = this.resistances.filter((r) => nowMs - r.mediaMs <= keep);
  }
}
