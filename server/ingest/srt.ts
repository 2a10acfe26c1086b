// SRT parser: numbered blocks with "HH:MM:SS,mmm --> HH:MM:SS,mmm" timing lines. Tolerates
// missing index lines, missing or extra blank lines, CRLF, and "." before the milliseconds.
//
// Speakers come from a "Name: " / "Name：", "[Name] " or "Name - " prefix on a text line.
// A cue without one continues the previous cue's speaker with a warning; with no previous
// speaker it is an error naming the line.
import { emitCue, segmentLines, type SpeakerState } from './cues';
import { splitLines } from './lines';
import { clip, parseTiming } from './timestamp';
import { TranscriptError, type FormatParseResult, type RawUtterance, type Warnings } from './types';

const HINT = 'a "Name: ", "[Name] " or "Name - " prefix';

interface OpenCue {
  startMs: number;
  endMs: number;
  line: number;
  texts: string[];
  /** A blank line was seen after this cue's text. */
  closed: boolean;
}

export function parseSrt(text: string, warnings: Warnings): FormatParseResult {
  const lines = splitLines(text);
  const cues: OpenCue[] = [];
  let cur: OpenCue | null = null;

  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] ?? '').trim();
    if (t === '') {
      if (cur) cur.closed = true;
      continue;
    }
    if (t.includes('-->')) {
      // Without a blank line before it, the previous cue's last line was this cue's index.
      if (cur && !cur.closed && /^\d+$/.test(cur.texts[cur.texts.length - 1] ?? '')) cur.texts.pop();
      cur = { ...parseTiming(t, 'srt', i + 1), line: i + 1, texts: [], closed: false };
      cues.push(cur);
      continue;
    }
    if (/^\d+$/.test(t) && (cur === null || cur.closed) && nextNonBlank(lines, i + 1)?.includes('-->')) continue;
    if (cur === null) {
      throw new TranscriptError(
        'bad_cue',
        `line ${i + 1}: expected a subtitle number or a timing line like "00:00:01,000 --> 00:00:04,000", found "${clip(t)}"`,
        { line: i + 1 },
      );
    }
    if (cur.closed) {
      warnings.add(`line ${i + 1}: text after a blank line has no timing; appended to the cue at line ${cur.line}`);
      cur.closed = false;
    }
    cur.texts.push(t);
  }

  const utterances: RawUtterance[] = [];
  const state: SpeakerState = { last: null };
  for (const cue of cues) {
    const segments = segmentLines(cue.texts, { brackets: true, dash: true });
    utterances.push(...emitCue(segments, cue, state, warnings, HINT));
  }
  return { utterances };
}

function nextNonBlank(lines: string[], from: number): string | undefined {
  for (let i = from; i < lines.length; i++) {
    const t = (lines[i] ?? '').trim();
    if (t !== '') return t;
  }
  return undefined;
}
