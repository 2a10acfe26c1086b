// WebVTT parser: header (with optional title), NOTE/STYLE/REGION blocks, cue identifiers,
// cue settings, <v Speaker> voice tags, other inline markup and HTML entities.
//
// A cue without a voice tag may name its speaker with a "Name: " / "Name：" prefix. When it
// has neither, it is attributed to the previous cue's speaker with a warning (subtitle
// files commonly tag only the first cue of a turn); if no speaker is known yet, that is an
// error naming the cue's line.
import { appendToLast, cleanInline, decodeEntities, emitCue, segmentLines, type Segment, type SpeakerState } from './cues';
import { splitLines } from './lines';
import { normalizeSpeakerName } from '../../protocol/protocol';
import { clip, parseTiming } from './timestamp';
import { TranscriptError, type FormatParseResult, type RawUtterance, type Warnings } from './types';

const HINT = 'a voice tag "<v Name>" or a "Name: " prefix';
// One separator character only: `[ \t]+([^<>]*)` let both parts take the same run of spaces,
// so "<v" and 80,000 spaces without a ">" took 16 s (the name is trimmed anyway).
const VOICE = /<v(?:\.[^\s<>]*)?(?:[ \t]([^<>]*))?>/g;

export function parseVtt(text: string, warnings: Warnings): FormatParseResult {
  const lines = splitLines(text);
  const header = lines[0] ?? '';
  if (!/^WEBVTT(?:[ \t]|$)/.test(header)) {
    throw new TranscriptError('bad_header', `line 1: expected the file to start with "WEBVTT", found "${clip(header)}"`, {
      line: 1,
    });
  }
  const title = header.slice(6).trim().replace(/^-\s*/, '');

  const utterances: RawUtterance[] = [];
  const state: SpeakerState = { last: null };
  let i = 1;
  while (i < lines.length && (lines[i] ?? '').trim() !== '') i++; // header metadata
  while (i < lines.length) {
    if ((lines[i] ?? '').trim() === '') {
      i++;
      continue;
    }
    const start = i;
    while (i < lines.length && (lines[i] ?? '').trim() !== '') i++;
    const block = lines.slice(start, i);
    const first = (block[0] ?? '').trim();
    if (/^(?:NOTE|STYLE|REGION)(?:\s|$)/.test(first)) continue;

    const timingAt = first.includes('-->') ? 0 : (block[1] ?? '').includes('-->') ? 1 : -1;
    if (timingAt < 0) {
      throw new TranscriptError(
        'bad_cue',
        `line ${start + 1}: expected a cue timing line like "00:00:01.000 --> 00:00:04.000", found "${clip(first)}"`,
        { line: start + 1 },
      );
    }
    const line = start + timingAt + 1;
    const timing = parseTiming(block[timingAt] ?? '', 'vtt', line);
    const segments = cueSegments(block.slice(timingAt + 1));
    utterances.push(...emitCue(segments, { ...timing, line }, state, warnings, HINT));
  }
  return { ...(title ? { title } : {}), utterances };
}

/** Voice tags split the cue into speakers; a cue without any falls back to "Name: " prefixes. */
function cueSegments(textLines: string[]): Segment[] {
  const joined = textLines.join('\n');
  const tags = [...joined.matchAll(VOICE)];
  if (tags.length === 0) return segmentLines(textLines, {});

  const segments: Segment[] = [];
  const before = cleanLines(joined.slice(0, tags[0]?.index ?? 0));
  if (before.length > 0) appendToLast(segments, before.join(' '));
  tags.forEach((tag, k) => {
    const from = (tag.index ?? 0) + tag[0].length;
    const to = tags[k + 1]?.index ?? joined.length;
    const name = normalizeSpeakerName(decodeEntities(tag[1] ?? ''));
    segments.push({ speaker: name === '' ? null : name, parts: cleanLines(joined.slice(from, to)) });
  });
  return segments;
}

/** Keeps line breaks as separate parts so joinParts can join CJK lines without a space. */
function cleanLines(s: string): string[] {
  return s.split('\n').map(cleanInline).filter((x) => x !== '');
}
