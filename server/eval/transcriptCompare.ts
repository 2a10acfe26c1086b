// `analyze FILE --compare DIR`: what a second verbal model (B) changes on one transcript
// against the first (A), both run through the whole pipeline (same turns, roles, thresholds).
// Pure: two session snapshots in, the report and its text out. No labels are involved, so it
// says what changes, not which model is right (that is `eval verbal --compare` on labelled rows).
import type { Cue, CueType, SessionSnapshot, VerbalLabel, VerbalSignal } from '../../protocol/protocol';
import { describeThresholds, type SignalThresholds } from '../signals/verbal/decision';

/** A turn's stored signal under one model; null: none stored (neutral, or under its threshold). */
export type TurnSignal = { label: VerbalLabel; score: number } | null;

export interface ChangedTurn {
  /**
   * `label`: B stores another label, or a signal against none; `cue_score`: the same label, but
   * one score is at or above the score a cue needs and the other under it (a cue can come and go).
   */
  change: 'label' | 'cue_score';
  /** The turn's place in the transcript (1-based, as stored). */
  seq: number;
  startMs: number;
  speaker: string;
  text: string;
  a: TurnSignal;
  b: TurnSignal;
}

export interface CueOnly {
  type: CueType;
  reason: Cue['reason'];
  mediaMs: number;
  score: number;
  technique: Cue['technique'];
  /** The evidence's words (verbal) or the posture's description. */
  evidence: string[];
}

export interface TranscriptCompareReport {
  schema: 1;
  compare: 'transcript';
  transcript: string;
  a: { modelVersion: string; model: string };
  b: { modelVersion: string; model: string };
  signalThresholds: SignalThresholds;
  /** The least signal score a cue needs (the pipeline's `minSignalScore`). */
  cueMinSignalScore: number;
  /** How cues of A and B are paired: the same type at the same media time. */
  cueMatch: 'type+mediaMs';
  summary: {
    utterances: number;
    customerTurns: number;
    changedTurns: number;
    /** changedTurns / customerTurns (0 without customer turns). */
    changedShare: number;
    /** Customer turns with the same label on both sides, on either side of `cueMinSignalScore`. */
    crossedCueScore: number;
    /** A → B label changes (null: no signal), most frequent first. */
    labelChanges: { a: VerbalLabel | null; b: VerbalLabel | null; turns: number }[];
    cues: { a: number; b: number; both: number };
  };
  turns: ChangedTurn[];
  cuesOnlyA: CueOnly[];
  cuesOnlyB: CueOnly[];
  unassignedSpeakers: string[];
  warnings: string[];
}

export interface CompareMeta {
  transcript: string;
  a: { modelVersion: string; model: string };
  b: { modelVersion: string; model: string };
  signalThresholds: SignalThresholds;
  cueMinSignalScore: number;
  warnings?: string[];
}

/**
 * The turns whose stored signal differs (label, or a signal against none) and the cues only one
 * run emitted. Both snapshots must hold the same turns in the same order (one transcript, run
 * twice): anything else is a caller's error.
 */
export function compareTranscriptRuns(snapA: SessionSnapshot, snapB: SessionSnapshot, meta: CompareMeta): TranscriptCompareReport {
  const ua = snapA.utterances;
  const ub = snapB.utterances;
  if (ua.length !== ub.length || ua.some((u, i) => u.text !== ub[i]!.text || u.speaker !== ub[i]!.speaker || u.startMs !== ub[i]!.startMs)) {
    throw new Error('the two runs hold different turns; compare runs of one transcript');
  }
  const sigA = verbalByUtterance(snapA);
  const sigB = verbalByUtterance(snapB);
  const turns: ChangedTurn[] = [];
  const changes = new Map<string, { a: VerbalLabel | null; b: VerbalLabel | null; turns: number }>();
  const crossed: ChangedTurn[] = [];
  let customerTurns = 0;
  const sure = (x: TurnSignal) => x !== null && x.score >= meta.cueMinSignalScore;
  ua.forEach((u, i) => {
    if (u.role !== 'customer') return;
    customerTurns++;
    const a = side(sigA.get(u.id));
    const b = side(sigB.get(ub[i]!.id));
    const turn = { seq: u.seq, startMs: u.startMs, speaker: u.speaker, text: u.text, a, b };
    if ((a?.label ?? null) === (b?.label ?? null)) {
      if (sure(a) !== sure(b)) crossed.push({ change: 'cue_score', ...turn });
      return;
    }
    turns.push({ change: 'label', ...turn });
    const key = `${a?.label ?? ''}>${b?.label ?? ''}`;
    const c = changes.get(key) ?? { a: a?.label ?? null, b: b?.label ?? null, turns: 0 };
    c.turns++;
    changes.set(key, c);
  });
  const { onlyA, onlyB, both } = matchCues(snapA.cues, snapB.cues);
  return {
    schema: 1,
    compare: 'transcript',
    transcript: meta.transcript,
    a: meta.a,
    b: meta.b,
    signalThresholds: meta.signalThresholds,
    cueMinSignalScore: meta.cueMinSignalScore,
    cueMatch: 'type+mediaMs',
    summary: {
      utterances: ua.length,
      customerTurns,
      changedTurns: turns.length,
      changedShare: customerTurns === 0 ? 0 : turns.length / customerTurns,
      crossedCueScore: crossed.length,
      labelChanges: [...changes.values()].sort(byTurns),
      cues: { a: snapA.cues.length, b: snapB.cues.length, both },
    },
    // In transcript order, label changes and crossings together.
    turns: [...turns, ...crossed].sort((x, y) => x.seq - y.seq),
    cuesOnlyA: onlyA.map(cueOnly),
    cuesOnlyB: onlyB.map(cueOnly),
    unassignedSpeakers: snapA.unassignedSpeakers,
    warnings: meta.warnings ?? [],
  };
}

function verbalByUtterance(snap: SessionSnapshot): Map<number, VerbalSignal> {
  return new Map(snap.signals.flatMap((s) => (s.kind === 'verbal' ? [[s.utteranceId, s] as const] : [])));
}

const side = (s: VerbalSignal | undefined): TurnSignal => (s ? { label: s.label, score: s.score } : null);

const name = (l: VerbalLabel | null): string => l ?? '(none)';

/** Most frequent first, then by A's label and B's (no signal as "(none)"). */
const byTurns = (x: { a: VerbalLabel | null; b: VerbalLabel | null; turns: number }, y: typeof x): number =>
  y.turns - x.turns || name(x.a).localeCompare(name(y.a)) || name(x.b).localeCompare(name(y.b));

/**
 * Pairs A's and B's cues of the same type at the same media time, each at most once (a cue is
 * raised at the start of the turn or frame behind it, and both runs hold the same turns, so a
 * cue both emitted for the same moment has the same time; its reason or score may differ).
 */
export function matchCues(a: readonly Cue[], b: readonly Cue[]): { onlyA: Cue[]; onlyB: Cue[]; both: number } {
  const key = (c: Cue) => `${c.type}@${c.mediaMs}`;
  const pool = new Map<string, number>();
  for (const c of b) pool.set(key(c), (pool.get(key(c)) ?? 0) + 1);
  const onlyA: Cue[] = [];
  let both = 0;
  for (const c of a) {
    const left = pool.get(key(c)) ?? 0;
    if (left > 0) {
      pool.set(key(c), left - 1);
      both++;
    } else onlyA.push(c);
  }
  const taken = new Map<string, number>();
  for (const c of a) taken.set(key(c), (taken.get(key(c)) ?? 0) + 1);
  const onlyB = b.filter((c) => {
    const n = taken.get(key(c)) ?? 0;
    if (n === 0) return true;
    taken.set(key(c), n - 1);
    return false;
  });
  return { onlyA, onlyB, both };
}

const cueOnly = (c: Cue): CueOnly => ({
  type: c.type,
  reason: c.reason,
  mediaMs: c.mediaMs,
  score: c.score,
  technique: c.technique,
  evidence: c.evidence.map((e) => e.text),
});

const mmss = (ms: number) => `${String(Math.floor(ms / 60000)).padStart(2, '0')}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;
const signalText = (s: TurnSignal) => (s ? `${s.label} ${s.score.toFixed(2)}` : '(no signal)');
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The report as text: the header, the summary and its A → B table, then the turns and cues that differ. */
export function formatTranscriptCompare(r: TranscriptCompareReport): string {
  const s = r.summary;
  const held = describeThresholds(r.signalThresholds);
  const lines = [
    `transcript ${r.transcript}`,
    `model A ${r.a.model} (${r.a.modelVersion})`,
    `model B ${r.b.model} (${r.b.modelVersion})${r.a.modelVersion === r.b.modelVersion ? ' — the same version as A' : ''}`,
    ...(held ? [`signal thresholds (both): ${held}`] : []),
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  if (r.unassignedSpeakers.length) {
    lines.push(`assign a role to: ${r.unassignedSpeakers.join(', ')} (their turns give no signals; use --roles "Name=customer,Other=rep")`);
  }
  lines.push('', ...summaryLines(s, r.cueMinSignalScore));
  if (r.turns.length) {
    lines.push('', 'turns whose signal B changed:');
    for (const t of r.turns) {
      const note = t.change === 'cue_score' ? `  (same label; crosses the ${r.cueMinSignalScore.toFixed(2)} a cue needs)` : '';
      lines.push(`[${mmss(t.startMs)}] #${t.seq} ${t.speaker}: ${t.text}`, `         A ${signalText(t.a)}  →  B ${signalText(t.b)}${note}`);
    }
  }
  for (const [title, cues] of [['cues only A emitted:', r.cuesOnlyA], ['cues only B emitted:', r.cuesOnlyB]] as const) {
    if (!cues.length) continue;
    lines.push('', title);
    for (const c of cues) lines.push(`[${mmss(c.mediaMs)}] ${c.type} (${c.reason}, ${c.score.toFixed(2)}): ${c.evidence.map((e) => `"${e}"`).join(', ')}`);
  }
  if (!r.turns.length && !r.cuesOnlyA.length && !r.cuesOnlyB.length) lines.push('', 'B changes no signal and no cue on this transcript.');
  return lines.join('\n');
}

/** The summary's lines: customer turns and the share B changed, the A → B table, crossings, cues. */
function summaryLines(s: TranscriptCompareReport['summary'], cueMin: number): string[] {
  const lines = [
    `${s.customerTurns} customer turn${s.customerTurns === 1 ? '' : 's'} of ${s.utterances}; B changed the signal of ${s.changedTurns} (${pct(s.changedShare)})`,
  ];
  if (s.labelChanges.length) {
    const rows = s.labelChanges.map((c) => [`${name(c.a)} → ${name(c.b)}`, String(c.turns)] as const);
    const w = Math.max(...rows.map(([l]) => l.length));
    lines.push('signal changes A → B (turns):', ...rows.map(([l, n]) => `  ${l.padEnd(w)}  ${n.padStart(3)}`));
  }
  if (s.crossedCueScore) {
    lines.push(`${s.crossedCueScore} more with the same label crossing the ${cueMin.toFixed(2)} a cue needs (a cue may come or go)`);
  }
  lines.push(`cues: A ${s.cues.a}, B ${s.cues.b}, in both ${s.cues.both} (matched by type and media time)`);
  return lines;
}

/** The summary of several transcripts' reports taken together: their counts summed, the share recomputed. */
export interface PooledTranscriptCompare {
  /** Transcripts pooled (those read; an unreadable file is not among them). */
  files: number;
  utterances: number;
  customerTurns: number;
  changedTurns: number;
  /** changedTurns / customerTurns over all files (0 without customer turns), not a mean of the files' shares. */
  changedShare: number;
  crossedCueScore: number;
  labelChanges: TranscriptCompareReport['summary']['labelChanges'];
  cues: { a: number; b: number; both: number };
}

/** `analyze FILE... --compare DIR --json` with several files: each file's report, and the pool. */
export interface TranscriptsCompareReport {
  schema: 1;
  compare: 'transcripts';
  files: TranscriptCompareReport[];
  pooled: PooledTranscriptCompare;
  /** Files that could not be read or parsed, with why; they are in neither `files` nor `pooled`. */
  unreadable: { file: string; error: string }[];
}

/**
 * Pools per-file reports of one A/B pair: every count is the sum of the files', the A → B table
 * merged by (a, b) and ordered as a file's is, the share recomputed from the sums.
 */
export function poolTranscriptCompares(reports: readonly TranscriptCompareReport[]): PooledTranscriptCompare {
  const changes = new Map<string, { a: VerbalLabel | null; b: VerbalLabel | null; turns: number }>();
  const sum = { utterances: 0, customerTurns: 0, changedTurns: 0, crossedCueScore: 0 };
  const cues = { a: 0, b: 0, both: 0 };
  for (const { summary: s } of reports) {
    sum.utterances += s.utterances;
    sum.customerTurns += s.customerTurns;
    sum.changedTurns += s.changedTurns;
    sum.crossedCueScore += s.crossedCueScore;
    cues.a += s.cues.a;
    cues.b += s.cues.b;
    cues.both += s.cues.both;
    for (const c of s.labelChanges) {
      const key = `${c.a ?? ''}>${c.b ?? ''}`;
      const into = changes.get(key) ?? { a: c.a, b: c.b, turns: 0 };
      into.turns += c.turns;
      changes.set(key, into);
    }
  }
  return {
    files: reports.length,
    ...sum,
    changedShare: sum.customerTurns === 0 ? 0 : sum.changedTurns / sum.customerTurns,
    labelChanges: [...changes.values()].sort(byTurns),
    cues,
  };
}

/** The pooled summary as text, after the files' reports: the models once, then the summed figures. */
export function formatPooledCompare(p: PooledTranscriptCompare, first: TranscriptCompareReport, unreadable: readonly { file: string }[] = []): string {
  const held = describeThresholds(first.signalThresholds);
  return [
    `pooled over ${p.files} transcript${p.files === 1 ? '' : 's'}${unreadable.length ? ` (${unreadable.length} more could not be read: ${unreadable.map((u) => u.file).join(', ')})` : ''}`,
    `model A ${first.a.model} (${first.a.modelVersion})`,
    `model B ${first.b.model} (${first.b.modelVersion})`,
    ...(held ? [`signal thresholds (both): ${held}`] : []),
    '',
    ...summaryLines(p, first.cueMinSignalScore),
  ].join('\n');
}
