// Clock-time parsing shared by the subtitle and plain-text parsers; errors quote the bad
// value, its line and the accepted shape.
import { TranscriptError } from './types';

/** "HH:MM:SS.mmm" or "MM:SS.mmm" (WebVTT). */
const VTT = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/;
/** "HH:MM:SS,mmm"; a "." before the milliseconds and 1-3 digits are tolerated (common in the wild). */
const SRT = /^(\d+):(\d{2}):(\d{2})[,.](\d{1,3})$/;
/** Plain-text stamps: "1:02", "01:02", "0:01:02", "00:01:02", optionally with ".mmm" or ",mmm". */
const PLAIN = /^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$/;

/** The plain-text stamp forms, as error messages and docs/protocol.md name them. */
export const PLAIN_STAMP_FORMS = 'm:ss, mm:ss or h:mm:ss (optionally .mmm or ,mmm), bare or in [ ] or ( )';

const SHAPES = {
  vtt: { re: VTT, shape: 'HH:MM:SS.mmm or MM:SS.mmm' },
  srt: { re: SRT, shape: 'HH:MM:SS,mmm' },
  plain: { re: PLAIN, shape: PLAIN_STAMP_FORMS },
} as const;

export function parseClock(value: string, style: keyof typeof SHAPES, line: number): number {
  const { re, shape } = SHAPES[style];
  const m = re.exec(value);
  const bad = (why: string): TranscriptError =>
    new TranscriptError('bad_timestamp', `line ${line}: timestamp "${clip(value)}" ${why}`, { line });
  // A plain-text stamp is only ever a guess at the start of a line: say it was not
  // recognised and list what is, rather than blaming the shape of a subtitle format.
  const plainBad = (why: string): TranscriptError =>
    bad(`was not recognised${why ? `: ${why}` : ''}; a stamp before the speaker must be ${shape}`);
  if (!m) throw style === 'plain' ? plainBad('') : bad(`is not ${shape}`);
  const hours = Number(m[1] ?? 0);
  const minutes = Number(m[2]);
  const seconds = Number(m[3]);
  const ms = Number((m[4] ?? '0').padEnd(3, '0'));
  if (minutes > 59 || seconds > 59) {
    throw style === 'plain' ? plainBad('minutes or seconds above 59') : bad(`has minutes or seconds above 59; expected ${shape}`);
  }
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

/** Splits "start --> end [settings]" and parses both times. */
export function parseTiming(lineText: string, style: 'vtt' | 'srt', line: number): { startMs: number; endMs: number } {
  const m = /^\s*(\S+)\s+-->\s+(\S+)/.exec(lineText);
  if (!m) {
    const example = style === 'vtt' ? '00:00:01.000 --> 00:00:04.000' : '00:00:01,000 --> 00:00:04,000';
    throw new TranscriptError('bad_timestamp', `line ${line}: cue timing "${clip(lineText.trim())}" is not "${example}"`, {
      line,
    });
  }
  const startMs = parseClock(m[1] ?? '', style, line);
  const endMs = parseClock(m[2] ?? '', style, line);
  if (endMs < startMs) {
    throw new TranscriptError(
      'bad_timestamp',
      `line ${line}: cue ends (${m[2]}) before it starts (${m[1]}); the end must be at or after the start`,
      { line },
    );
  }
  return { startMs, endMs };
}

export function clip(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
