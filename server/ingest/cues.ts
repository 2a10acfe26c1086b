// Turns the text lines of one subtitle cue (WebVTT or SRT) into speaker-attributed
// utterances: tags stripped, entities decoded, lines joined, speaker changes honoured.
import { joinParts } from './lines';
import { matchSpeakerPrefix, type PrefixForms } from './speaker';
import { TranscriptError, type RawUtterance, type Warnings } from './types';

/** One speaker's stretch of a cue; `speaker` null when the cue did not say who spoke. */
export interface Segment {
  speaker: string | null;
  parts: string[];
}

export interface CueContext {
  startMs: number;
  endMs: number;
  /** 1-based line of the cue's timing line. */
  line: number;
}

/** Speaker carried from cue to cue, so unlabelled cues can continue the previous turn. */
export interface SpeakerState {
  last: string | null;
}

/** Splits plain cue lines at speaker labels ("Name: ", and the forms the caller allows). */
export function segmentLines(lines: string[], forms: PrefixForms, into: Segment[] = []): Segment[] {
  for (const raw of lines) {
    const line = cleanInline(raw);
    if (line === '') continue;
    const labelled = matchSpeakerPrefix(line, forms);
    if (labelled) into.push({ speaker: labelled.speaker, parts: [labelled.text] });
    else appendToLast(into, line);
  }
  return into;
}

export function appendToLast(segments: Segment[], text: string): void {
  const last = segments[segments.length - 1];
  if (last) last.parts.push(text);
  else segments.push({ speaker: null, parts: [text] });
}

/**
 * Emits one utterance per non-empty segment. A segment without a speaker continues the
 * previous speaker with a warning; with no previous speaker it is an error naming the line.
 */
export function emitCue(
  segments: Segment[],
  cue: CueContext,
  state: SpeakerState,
  warnings: Warnings,
  hint: string,
): RawUtterance[] {
  const out: RawUtterance[] = [];
  for (const seg of segments) {
    const text = joinParts(seg.parts);
    if (text === '') continue;
    let speaker = seg.speaker;
    if (speaker === null) {
      if (state.last === null) {
        throw new TranscriptError('missing_speaker', `line ${cue.line}: cue has no speaker; expected ${hint}`, {
          line: cue.line,
        });
      }
      speaker = state.last;
      warnings.add(`line ${cue.line}: cue has no speaker tag; attributed to the previous speaker "${speaker}"`);
    }
    state.last = speaker;
    out.push({ speaker, text, startMs: cue.startMs, endMs: cue.endMs, where: `line ${cue.line}`, line: cue.line });
  }
  if (out.length === 0) warnings.add(`line ${cue.line}: cue has no text; skipped`);
  return out;
}

/** Strips markup tags (<i>, <c.x>, <00:00:01.000>, <font ...>) and decodes HTML entities. */
export function cleanInline(s: string): string {
  return decodeEntities(s.replace(/<[^<>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: ' ', quot: '"', apos: "'", lrm: '', rlm: '' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body] ?? whole;
  });
}
