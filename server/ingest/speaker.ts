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
/** A label of digits, spaces and clock or list punctuation: a time or a number, never a name. */
const NUMERIC_LABEL = /^[\d\s:.,\-–—]+$/;

export function matchSpeakerPrefix(line: string, forms: PrefixForms = {}): SpeakerLine | null {
  // Subtitle dialogue lines often start with "- ".
  const body = line.trim().replace(/^[-–—]\s+/, '');
  return matchColon(body) ?? (forms.brackets ? matchBrackets(body) : null) ?? (forms.dash ? matchDash(body) : null);
}

function matchColon(body: string): SpeakerLine | null {
  const label = colonLabel(body);
  return label ? accept(label.name, label.rest) : null;
}

/** "Label: rest" split at the first colon that can end a label, or null. */
function colonLabel(body: string): { name: string; rest: string } | null {
  const ascii = body.indexOf(':');
  const wide = body.indexOf('：');
  const at = ascii < 0 ? wide : wide < 0 ? ascii : Math.min(ascii, wide);
  if (at <= 0) return null;
  const after = body[at + 1];
  // "10:30", "http://" and "3:1" are not labels: an ASCII colon must be followed by a
  // space, the end of the line, or a non-ASCII character (Chinese text often has no space).
  if (body[at] === ':' && after !== undefined && !/\s/.test(after) && after.charCodeAt(0) < 0x80) return null;
  return { name: body.slice(0, at), rest: body.slice(at + 1) };
}

/** What a name may hold and how long it may be, as the messages about a refused label say it. */
export const NAME_RULE = `at most ${NAME_MAX_WORDS} words, no commas or sentence punctuation, and at most one note in brackets at its end, as in "Li Wei (Guest)"`;

/**
 * A "Label: text" line whose label was not taken as a name although it looks like one may
 * be (short, no sentence end): the label, so a parser can say why the line got no speaker
 * of its own. Null for lines with a name, without a label, or whose label reads as a sentence.
 */
export function refusedLabel(line: string): string | null {
  const body = line.trim().replace(/^[-–—]\s+/, '');
  const label = colonLabel(body);
  if (!label || matchColon(body)) return null;
  const name = normalizeSpeakerName(label.name);
  if (name === '' || name.length > NAME_MAX_CHARS || /[。！？!?]$/.test(name) || NUMERIC_LABEL.test(name)) return null;
  // A name with a title after a comma ("Dr. Li, Head of Sales"), not a clause: few words, one comma.
  const cjk = (name.match(/[\u3400-\u9fff]/g) ?? []).length;
  const commas = (name.match(/[,，]/g) ?? []).length;
  if (commas > 1 || name.split(' ').length > 8 || cjk > 12 || (cjk > 0 && commas > 0)) return null;
  return name;
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
  const speaker = normalizeSpeakerName(rawName);
  return isPlausibleName(speaker) ? { speaker, text: rest.trim() } : null;
}

/**
 * Rejects labels that are really clock times, numbers or the start of a sentence. A name may
 * end in one note in brackets (a department, a title, "Guest"), as meeting tools and people
 * write them: "张伟先生（财富管理部）", "Li Wei (Guest)".
 */
function isPlausibleName(name: string): boolean {
  if (name.length === 0 || name.length > NAME_MAX_CHARS) return false;
  const noted = /^(.*?)\s*[（(]([^()（）]{1,40})[)）]$/.exec(name);
  const base = noted ? noted[1]! : name;
  if (base === '' || NUMERIC_LABEL.test(base)) return false;
  if (/[,，。！？!?;；"“”<>()（）[\]]/.test(base)) return false;
  if (noted && (/[。！？!?;；"“”<>[\]]/.test(noted[2]!) || noted[2]!.trim().split(' ').length > NAME_MAX_WORDS)) return false;
  return base.split(' ').length <= NAME_MAX_WORDS;
}
