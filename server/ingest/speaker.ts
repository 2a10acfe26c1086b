// Recognises a speaker label at the start of a line of transcript text: "Name: text",
// "Name：text" (full-width colon), and for subtitles also "[Name] text" and "Name - text".
import { normalizeSpeakerName } from '../../protocol/protocol';

export interface SpeakerLine {
  speaker: string;
  text: string;
}

export interface PrefixForms {
  /** Accept "[Name] text". */
  brackets?: boolean;
  /** Accept "Name - text" (at most 3 words before the dash). */
  dash?: boolean;
}

/** Longest label taken as a name; longer labels reach index.ts and fail the speaker limit. */
const NAME_MAX_CHARS = 100;
const NAME_MAX_WORDS = 5;

export function matchSpeakerPrefix(line: string, forms: PrefixForms = {}): SpeakerLine | null {
  // Subtitle dialogue lines often start with "- ".
  const body = line.trim().replace(/^[-–—]\s+/, '');
  return matchColon(body) ?? (forms.brackets ? matchBrackets(body) : null) ?? (forms.dash ? matchDash(body) : null);
}

function matchColon(body: string): SpeakerLine | null {
  const ascii = body.indexOf(':');
  const wide = body.indexOf('：');
  const at = ascii < 0 ? wide : wide < 0 ? ascii : Math.min(ascii, wide);
  if (at <= 0) return null;
  const after = body[at + 1];
  // "10:30", "http://" and "3:1" are not labels: an ASCII colon must be followed by a
  // space, the end of the line, or a non-ASCII character (Chinese text often has no space).
  if (body[at] === ':' && after !== undefined && !/\s/.test(after) && after.charCodeAt(0) < 0x80) return null;
  return accept(body.slice(0, at), body.slice(at + 1));
}

function matchBrackets(body: string): SpeakerLine | null {
  const m = /^\[([^\]]+)\]\s*(.*)$/.exec(body);
  return m ? accept(m[1] ?? '', m[2] ?? '') : null;
}

function matchDash(body: string): SpeakerLine | null {
  const m = /^(.+?)\s+[-–—]\s+(.*)$/.exec(body);
  if (!m || (m[1] ?? '').trim().split(/\s+/).length > 3) return null;
  return accept(m[1] ?? '', m[2] ?? '');
}

function accept(rawName: string, rest: string): SpeakerLine | null {
  const speaker = normalizeSpeaker(rawName);
  return isPlausibleName(speaker) ? { speaker, text: rest.trim() } : null;
}

/**
 * A name as every parser gives it: the protocol's one rule (NFC, invisible format characters
 * dropped, whitespace runs as one space, trimmed), so an uploaded "Alice\u200B" and a live
 * "Alice" are one participant.
 */
export function normalizeSpeaker(name: string): string {
  return normalizeSpeakerName(name);
}

/** Rejects labels that are really clock times, numbers or the start of a sentence. */
function isPlausibleName(name: string): boolean {
  if (name.length === 0 || name.length > NAME_MAX_CHARS) return false;
  if (/^[\d\s:.,\-–—]+$/.test(name)) return false;
  if (/[,，。！？!?;；"“”<>()（）[\]]/.test(name)) return false;
  return name.split(' ').length <= NAME_MAX_WORDS;
}
