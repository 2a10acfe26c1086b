// One session's path from utterance to signal to cue. Holds the per-session state (the
// previous turn for context, the cue engine) and writes through the store. It never reads
// the clock: the caller passes when the input arrived and when it is being emitted.
import type { Cue, CueEvidence, Role, Signal, Utterance, UtteranceIn, VerbalLabel, VerbalSignal } from '../../protocol/protocol';
import { CueEngine, type CueDraft, type CueEngineOptions } from '../fusion/cueEngine';
import { cueTitle, POSTURE_PHRASE, TIPS } from '../fusion/techniques';
import type { SqliteStore } from '../store/sqliteStore';
import { classifyTurns } from '../signals/verbal/speakerRule';
import type { VerbalClassifier, VerbalPrediction } from '../signals/verbal/types';

export interface PipelineOptions {
  /** Least score for a non-neutral prediction to become a stored signal, per label. */
  signalThresholds: Partial<Record<VerbalLabel, number>>;
  cueEngine: Partial<CueEngineOptions>;
}

export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = {
  signalThresholds: {},
  cueEngine: {},
};
const DEFAULT_SIGNAL_THRESHOLD = 0.5;

export interface TurnResult {
  utterance: Utterance;
  signal?: Signal;
  cues: Cue[];
}

export class SessionPipeline {
  private engine: CueEngine;
  private previousText: string | undefined;

  constructor(
    readonly sessionId: string,
    private readonly store: SqliteStore,
    private readonly classifier: VerbalClassifier,
    private readonly opts: PipelineOptions = DEFAULT_PIPELINE_OPTIONS,
  ) {
    this.engine = new CueEngine(opts.cueEngine);
    this.restore();
  }

  /** Rebuilds in-memory state from what the store already holds (after a restart). */
  private restore(): void {
    this.engine = new CueEngine(this.opts.cueEngine);
    for (const s of this.store.signals(this.sessionId)) this.engine.push(toEvidence(s));
    this.previousText = this.store.lastUtterance(this.sessionId)?.text;
  }

  /**
   * Stores a batch of turns with their signals and cues in one transaction: either all of
   * it is stored or none. `receivedAt`/`emittedAt` are wall-clock ms supplied by the edge.
   */
  ingest(batch: readonly UtteranceIn[], roles: ReadonlyMap<string, Role | null>, receivedAt: number, emittedAt: () => number): TurnResult[] {
    const turns = batch.map((u, i) => ({
      text: u.text,
      role: roles.get(u.speaker) ?? null,
      context: i === 0 ? this.previousText : batch[i - 1]!.text,
    }));
    const preds = classifyTurns(
      this.classifier,
      turns.map((t) => ({ text: t.text, role: t.role, ...(t.context !== undefined ? { context: t.context } : {}) })),
    );
    try {
      return this.store.transaction(() =>
        batch.map((u, i) => {
          const utterance = this.store.addUtterance({
            sessionId: this.sessionId,
            speaker: u.speaker,
            role: turns[i]!.role,
            text: u.text,
            startMs: u.startMs,
            endMs: u.endMs ?? u.startMs,
            receivedAt,
          });
          return this.afterStored(utterance, preds[i]!, receivedAt, emittedAt);
        }),
      );
    } catch (err) {
      // The transaction rolled back: the engine may have seen signals that were not stored.
      this.restore();
      throw err;
    } finally {
      if (batch.length) this.previousText = this.store.lastUtterance(this.sessionId)?.text;
    }
  }

  /** Re-runs classification and fusion over every stored utterance (after roles change). */
  reanalyze(roles: ReadonlyMap<string, Role | null>, emittedAt: () => number): { signals: number; cues: number } {
    return this.store.transaction(() => {
      this.store.clearAnalysis(this.sessionId);
      this.engine = new CueEngine(this.opts.cueEngine);
      const utts = this.store.utterances(this.sessionId);
      const preds = classifyTurns(
        this.classifier,
        utts.map((u, i) => ({ text: u.text, role: roles.get(u.speaker) ?? null, ...(i > 0 ? { context: utts[i - 1]!.text } : {}) })),
      );
      let signals = 0;
      let cues = 0;
      utts.forEach((u, i) => {
        const r = this.afterStored({ ...u, role: roles.get(u.speaker) ?? null }, preds[i]!, u.receivedAt, emittedAt);
        if (r.signal) signals++;
        cues += r.cues.length;
      });
      return { signals, cues };
    });
  }

  private afterStored(utterance: Utterance, pred: VerbalPrediction, receivedAt: number, emittedAt: () => number): TurnResult {
    if (pred.label === 'neutral') return { utterance, cues: [] };
    const threshold = this.opts.signalThresholds[pred.label] ?? DEFAULT_SIGNAL_THRESHOLD;
    if (pred.score < threshold) return { utterance, cues: [] };
    const signal = this.store.addSignal(
      {
        sessionId: this.sessionId,
        utteranceId: utterance.id,
        participant: utterance.speaker,
        kind: 'verbal',
        label: pred.label,
        score: round3(pred.score),
        scores: Object.fromEntries(Object.entries(pred.scores).map(([k, v]) => [k, round3(v)])) as VerbalSignal['scores'],
        mediaMs: utterance.startMs,
        modelVersion: this.classifier.version,
      },
      utterance.text,
    );
    const cues = this.engine.push(toEvidence(signal)).map((d) => this.store.addCue(this.toCue(d, receivedAt, emittedAt())));
    return { utterance, signal, cues };
  }

  private toCue(d: CueDraft, inputReceivedAt: number, emittedAt: number): Omit<Cue, 'id'> {
    return {
      sessionId: this.sessionId,
      type: d.type,
      reason: d.reason,
      mediaMs: d.mediaMs,
      score: d.score,
      evidence: d.evidence,
      technique: d.technique,
      title: cueTitle(d.reason, d.trigger, d.posture),
      tip: TIPS[d.technique],
      modelVersion: this.classifier.version,
      inputReceivedAt,
      emittedAt,
    };
  }
}

export function toEvidence(s: Signal): CueEvidence {
  if (s.kind === 'verbal') {
    return { signalId: s.id, kind: 'verbal', utteranceId: s.utteranceId, frameId: null, participant: s.participant, label: s.label, score: s.score, mediaMs: s.mediaMs, text: s.text };
  }
  return { signalId: s.id, kind: 'posture', utteranceId: null, frameId: s.frameId, participant: s.participant, label: s.label, score: s.score, mediaMs: s.mediaMs, text: POSTURE_PHRASE[s.label].en };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
