// Plain-text transcripts: one turn per "Speaker: text" line (ASCII ":" or full-width "："),
// optionally led by a time stamp: m:ss, mm:ss or h:mm:ss (with .mmm or ,mmm), bare or in
// [ ] or ( ) — "[00:01:02]", "(1:02)", "00:01:02", "10:30 Alice: hi". A stamp alone on its
// line times the line after it. Lines without a speaker continue the previous turn; before
// the first speaker they are an error.
//
// Times. A stamped turn starts at its stamp and gets no endMs (only its start is known).
// A turn without a stamp starts where the previous turn is estimated to end (0 for the
// first) and gets endMs = startMs + its estimated duration:
//   250 ms per CJK character (about 4 a second, a usual Mandarin pace)
//   + 350 ms per Latin word or number (about 170 words a minute), at least 1200 ms.
// Estimated times are reported in `warnings` and capped at LIMITS.mediaMsMax.
import { LIMITS } from '../../protocol/protocol';
import { joinParts, splitLines } from './lines';
import { matchSpeakerPrefix, NAME_RULE, refusedLabel } from './speaker';
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
/**
 * A bracketed token shaped like a stamp that is none of the forms: a digit (perhaps signed)
 * first, a colon inside, no spaces, other letters or signs among the digits ("[1e9:59:60]",
 * "[10:30am]", "(-1:00)"). A bracketed note of words ("[inaudible]", "(laughs)") is not one.
 */
const BRACKETED_STAMPISH = /^(?:\[([+-]?\d[\w.,:+-]{0,40})\]|\(([+-]?\d[\w.,:+-]{0,40})\))\s*/;
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
  // Stamp-like but not a form: refused as a stamp when it is all the line holds, a speaker
  // follows it, or nothing came before (it read as "no speaker", or its words joined the
  // turn before); before other words it stays text, as a bare m:ss does ("[10:30am] works").
  const stampish = BRACKETED_STAMPISH.exec(trimmed);
  if (stampish) {
    const token = stampish[1] ?? stampish[2] ?? '';
    const rest = trimmed.slice(stampish[0].length);
    if (token.includes(':') && (firstLine || rest === '' || matchSpeakerPrefix(rest) !== null)) return { stampMs: parseClock(token, 'plain', line), rest };
  }
  const bare = BARE.exec(trimmed);
  if (!bare) return { rest: trimmed };
  const token = bare[1] ?? '';
  const rest = trimmed.slice(bare[0].length);
  if (BARE_HMS.test(token) || matchSpeakerPrefix(rest) !== null) return { stampMs: parseClock(token, 'plain', line), rest };
  if (firstLine) parseClock(token, 'plain', line); // throws when it is not a stamp
  return { rest: trimmed };
}

/**
 * A line that is a stamp and nothing else ("1:02:05", "[00:01:02]", "10:30"). `stampMs` is
 * set for a bracketed stamp or a bare h:mm:ss, which must parse; a bare m:ss / mm:ss (or
 * another stamp-like token) is only parsed once a speaker line follows it, and before a line
 * without a speaker it is text.
 */
interface LoneStamp {
  token: string;
  line: number;
  stampMs?: number;
}

function loneStamp(trimmed: string, line: number): LoneStamp | undefined {
  const bracketed = BRACKETED.exec(trimmed);
  if (bracketed) {
    if (bracketed[0].length !== trimmed.length) return undefined;
    const token = bracketed[1] ?? bracketed[2] ?? '';
    return { token, line, stampMs: parseClock(token, 'plain', line) };
  }
  const bare = BARE.exec(trimmed);
  if (!bare || bare[0].length !== trimmed.length) return undefined;
  const token = bare[1] ?? '';
  return BARE_HMS.test(token) ? { token, line, stampMs: parseClock(token, 'plain', line) } : { token, line };
}

interface Turn {
  speaker: string;
  parts: string[];
  stampMs?: number;
  line: number;
}

export function parsePlain(text: string, warnings: Warnings): FormatParseResult {
  const turns: Turn[] = [];
  const noSpeaker = (line: number, what: string) => {
    const refused = refusedLabel(what);
    const message =
      refused === null
        ? `line ${line}: "${clip(what)}" has no speaker`
        : `line ${line}: "${clip(refused, 80)}" was not read as a speaker name (a name has ${NAME_RULE}), so the line has no speaker`;
    return new TranscriptError('missing_speaker', `${message}; expected "Name: text" or "Name：text"`, { line });
  };
  // A stamp alone on its line, waiting for the line it times (docs/protocol.md, plain text).
  let pending: LoneStamp | undefined;
  /** The pending stamp turned out to time nothing: a bare m:ss is text, any other is ignored. */
  const dropPending = () => {
    if (pending === undefined) return;
    const prev = turns[turns.length - 1];
    if (pending.stampMs !== undefined) {
      warnings.add(`line ${pending.line}: stamp "${clip(pending.token)}" is not followed by a turn; ignored`);
    } else if (prev === undefined) {
      parseClock(pending.token, 'plain', pending.line); // a first line that is not a stamp either: its error
      throw noSpeaker(pending.line, pending.token);
    } else {
      prev.parts.push(pending.token);
    }
    pending = undefined;
  };

  splitLines(text).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    const lone = loneStamp(trimmed, line);
    if (lone) {
      dropPending();
      pending = lone;
      return;
    }
    const before = turns[turns.length - 1];
    const lead = leadingStamp(trimmed, line, before === undefined);
    const rest = lead.rest;
    let stampMs = lead.stampMs;
    const labelled = matchSpeakerPrefix(rest);
    if (pending !== undefined && stampMs === undefined && (labelled || pending.stampMs !== undefined)) {
      // The stamp on the line before times this line: a speaker line, or a new turn of the same speaker.
      stampMs = pending.stampMs ?? parseClock(pending.token, 'plain', pending.line);
      pending = undefined;
    }
    dropPending();
    const prev = turns[turns.length - 1];

    if (labelled) {
      turns.push({ speaker: labelled.speaker, parts: [labelled.text], line, ...(stampMs !== undefined ? { stampMs } : {}) });
    } else if (prev === undefined) {
      throw noSpeaker(line, trimmed);
    } else {
      // A label that looks like a name but is not taken as one: say where its words went.
      const refused = refusedLabel(rest);
      if (refused !== null) warnings.add(`line ${line}: "${clip(refused)}" was not read as a speaker name (a name has ${NAME_RULE}); the line was added to "${clip(prev.speaker)}"`);
      if (stampMs !== undefined) {
        // A new stamp without a name: the same speaker again, at a new time.
        turns.push({ speaker: prev.speaker, parts: [rest], line, stampMs });
      } else {
        prev.parts.push(rest);
      }
    }
  });
  dropPending();
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
