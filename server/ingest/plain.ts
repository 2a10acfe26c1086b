// Plain-text transcripts: one turn per "Speaker: text" line (ASCII ":" or full-width "："),
// optionally led by a time stamp: m:ss, mm:ss or h:mm:ss (with .mmm or ,mmm), bare or in
// [ ] or ( ) — "[00:01:02]", "(1:02)", "00:01:02", "10:30 Alice: hi". Lines without a
// speaker continue the previous turn; before the first speaker they are an error.
//
// Times. A stamped turn starts at its stamp and gets no endMs (only its start is known).
// A turn without a stamp starts where the previous turn is estimated to end (0 for the
// first) and gets endMs = startMs + its estimated duration:
//   250 ms per CJK character (about 4 a second, a usual Mandarin pace)
//   + 350 ms per Latin word or number (about 170 words a minute), at least 1200 ms.
// Estimated times are reported in `warnings` and capped at LIMITS.mediaMsMax.
import { LIMITS } from '../../protocol/protocol';
import { joinParts, splitLines } from './lines';
import { matchSpeakerPrefix } from './speaker';
import { clip, parseClock } from './timestamp';
import { TranscriptError, type FormatParseResult, type RawUtterance, type Warnings } from './types';

export const ESTIMATE = { msPerCjkChar: 250, msPerWord: 350, minMs: 1200 } as const;

/** A stamp in brackets or parentheses must hold a colon. */
const BRACKETED = /^(?:\[(\d[\d.,]*:[\d:.,]*)\]|\((\d[\d.,]*:[\d:.,]*)\))\s*/;
/**
 * Something shaped like a bare stamp at the start of a line: digit groups joined by colons,
 * perhaps a fraction, then a space. Whether it is one is decided in `leadingStamp`.
 */
const BARE = /^(\d+(?::\d+)+(?:[.,]\d+)?)(?:\s+|$)/;
/** h:mm:ss, which is never how a sentence starts: a stamp even without a speaker after it. */
const BARE_HMS = /^\d+:\d+:\d+(?:[.,]\d+)?$/;

/**
 * The stamp a line starts with, and the rest of the line. A bracketed stamp or a bare
 * h:mm:ss always counts (and must parse). A bare m:ss / mm:ss, or anything else stamp-like
 * ("99:99", "10:3", "1:2:3:4"), counts only when a speaker label follows it, so a line that
 * merely opens with a time ("10:30 works for me") stays text; if it counts and does not
 * parse, the error says the stamp was not recognised and lists the accepted forms.
 * `firstLine`: no turn before it, so a stamp-like start that is not a stamp cannot be text
 * either; its error is the stamp's, which is more useful than "no speaker".
 */
function leadingStamp(trimmed: string, line: number, firstLine: boolean): { stampMs?: number; rest: string } {
  const bracketed = BRACKETED.exec(trimmed);
  if (bracketed) {
    const rest = trimmed.slice(bracketed[0].length);
    return { stampMs: parseClock(bracketed[1] ?? bracketed[2] ?? '', 'plain', line), rest };
  }
  const bare = BARE.exec(trimmed);
  if (!bare) return { rest: trimmed };
  const token = bare[1] ?? '';
  const rest = trimmed.slice(bare[0].length);
  if (BARE_HMS.test(token) || matchSpeakerPrefix(rest) !== null) return { stampMs: parseClock(token, 'plain', line), rest };
  if (firstLine) parseClock(token, 'plain', line); // throws when it is not a stamp
  return { rest: trimmed };
}

interface Turn {
  speaker: string;
  parts: string[];
  stampMs?: number;
  line: number;
}

export function parsePlain(text: string, warnings: Warnings): FormatParseResult {
  const turns: Turn[] = [];
  splitLines(text).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    const prev = turns[turns.length - 1];
    const { stampMs, rest } = leadingStamp(trimmed, line, prev === undefined);
    const labelled = matchSpeakerPrefix(rest);

    if (labelled) {
      turns.push({ speaker: labelled.speaker, parts: [labelled.text], line, ...(stampMs !== undefined ? { stampMs } : {}) });
    } else if (prev === undefined) {
      throw new TranscriptError(
        'missing_speaker',
        `line ${line}: "${clip(trimmed)}" has no speaker; expected "Name: text" or "Name：text"`,
        { line },
      );
    } else if (stampMs !== undefined) {
      // A new stamp without a name: the same speaker again, at a new time.
      turns.push({ speaker: prev.speaker, parts: [rest], line, stampMs });
    } else {
      prev.parts.push(rest);
    }
  });
  return { utterances: assignTimes(turns, warnings) };
}

function assignTimes(turns: Turn[], warnings: Warnings): RawUtterance[] {
  const out: RawUtterance[] = [];
  let estimatedEnd = 0;
  let estimated = 0;
  let capped = false;
  for (const turn of turns) {
    const text = joinParts(turn.parts);
    if (text === '') {
      warnings.add(`line ${turn.line}: "${turn.speaker}" has no text; skipped`);
      continue;
    }
    const base = { speaker: turn.speaker, text, where: `line ${turn.line}`, line: turn.line };
    const duration = estimateDurationMs(text);
    if (turn.stampMs !== undefined) {
      out.push({ ...base, startMs: turn.stampMs });
      estimatedEnd = turn.stampMs + duration;
      continue;
    }
    estimated++;
    const startMs = Math.min(estimatedEnd, LIMITS.mediaMsMax);
    const endMs = Math.min(startMs + duration, LIMITS.mediaMsMax);
    capped ||= endMs === LIMITS.mediaMsMax;
    out.push({ ...base, startMs, endMs });
    estimatedEnd = endMs;
  }
  if (estimated > 0) {
    const which = estimated === out.length ? 'the file has no timestamps' : `${estimated} of ${out.length} turns have no timestamp`;
    warnings.add(
      `${which}; their times were estimated from text length (${ESTIMATE.msPerCjkChar} ms per CJK character, ` +
        `${ESTIMATE.msPerWord} ms per word, at least ${ESTIMATE.minMs} ms per turn)`,
    );
  }
  if (capped) warnings.add(`estimated times reached the 24 h limit; later turns were placed at 24:00:00`);
  return out;
}

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const WORD = /[A-Za-z0-9]+(?:['’.,:\-][A-Za-z0-9]+)*/g;

export function estimateDurationMs(text: string): number {
  const cjk = text.match(CJK_CHAR)?.length ?? 0;
  const words = text.match(WORD)?.length ?? 0;
  return Math.max(ESTIMATE.minMs, cjk * ESTIMATE.msPerCjkChar + words * ESTIMATE.msPerWord);
}
