// Cue-review rows for the tests of eval cues: one as the server exports it, and parsed ones.
import { parseCueReviewsJsonl, type CueReviewRow } from './cueReviewRows';

/** A row as the server exports it (docs/protocol.md), with `over` on top; `emitted: false` drops the cue's fields, as the export does. */
export function exportRow(over: Record<string, unknown> = {}): Record<string, unknown> {
  const moment = { session: 's1', cue_type: 'closing_moment', media_ms: 5000, verdict: 'useful', note: 'on time', reviewed_at: 1764484134000, emitted: true };
  const cue = {
    reason: 'buying_signal', score: 0.985, technique: 'direct_request', model_version: 'verbal-20261130-ede7e5a6',
    evidence: [{ kind: 'verbal', label: 'price_inquiry', score: 0.985, media_ms: 5000, text: 'How much would it cost?' }],
  };
  return { ...moment, ...(over.emitted === false ? {} : cue), ...over };
}

/** Parsed rows from export rows (each `exportRow(over)`), lines in order. */
export function cueRows(overs: ReadonlyArray<Record<string, unknown>>): CueReviewRow[] {
  return parseCueReviewsJsonl(overs.map((o) => JSON.stringify(exportRow(o))).join('\n'), 'test.jsonl');
}

/**
 * An emitted verbal cue's fields: its type, reason and technique from the trigger's label, the
 * trigger as its one piece of evidence at the cue's media time, scored `score`.
 */
export function verbalCue(label: string, score: number, mediaMs: number): Record<string, unknown> {
  const resist = label === 'resistance';
  return {
    cue_type: resist ? 'resistance' : 'closing_moment', reason: resist ? 'customer_resists' : 'buying_signal',
    technique: resist ? 'address_objection' : 'direct_request', media_ms: mediaMs, score,
    evidence: [{ kind: 'verbal', label, score, media_ms: mediaMs, text: 'words' }],
  };
}
